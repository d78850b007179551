import { types } from 'pg';
import { DataSource, DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from './migrations';

// int8 (bigint) and numeric sums arrive as strings; money stays far below 2^53, so convert and verify.
const toSafeInt = (v: string) => {
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new RangeError(`integer ${v} is outside the safe range`);
  return n;
};
types.setTypeParser(20, toSafeInt);

export function dataSourceOptions(databaseUrl: string, extra: Partial<DataSourceOptions> = {}): DataSourceOptions {
  return {
    type: 'postgres',
    url: databaseUrl,
    migrations: MIGRATIONS,
    migrationsRun: false,
    synchronize: false,
    logging: false,
    // A request waits up to 15 s for a free pooled connection under a burst (e.g. 100 payouts at once on a busy
    // machine) before answering 503; an unreachable server still fails at once (connection refused), not after this.
    extra: { max: Number(process.env.DATABASE_POOL_SIZE ?? 20), connectionTimeoutMillis: 15_000 },
    ...extra,
  } as DataSourceOptions;
}

export function createDataSource(databaseUrl: string): DataSource {
  return new DataSource(dataSourceOptions(databaseUrl));
}
