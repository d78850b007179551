import { DataSource, DataSourceOptions } from 'typeorm';
import { withPassLock } from '../common/database/pass-lock';
import { dataSourceOptions } from './data-source';

/** Advisory lock key of a migration run. */
const MIGRATION_LOCK = 727_001;

/**
 * Runs the pending migrations over `directUrl` (DATABASE_DIRECT_URL: DDL and the migrations table want a real
 * session, not a transaction-pooling PgBouncer). Several instances may start at once: one migrates, the others
 * wait for its pass lock (see withPassLock). A migration using CREATE INDEX CONCURRENTLY would wait for the
 * lock's open transaction, so such a statement has to run outside this function.
 */
export async function migrate(directUrl: string): Promise<void> {
  const ds = new DataSource(dataSourceOptions(directUrl, { extra: { max: 2, connectionTimeoutMillis: 15_000 } } as Partial<DataSourceOptions>));
  await ds.initialize();
  try {
    await withPassLock(ds, MIGRATION_LOCK, true, () => ds.runMigrations({ transaction: 'each' }));
  } finally {
    await ds.destroy();
  }
}
