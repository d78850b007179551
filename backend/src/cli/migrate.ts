/**
 * Runs the pending database migrations and exits: the one-shot `migrate` step of a deployment (docker compose,
 * the Kubernetes Job) before API servers and workers start with SKIP_MIGRATIONS=true.
 *   node backend/dist/cli/migrate.js        (npm run migrate)
 * Uses DATABASE_DIRECT_URL when set (a direct PostgreSQL connection: the session advisory lock that keeps two
 * migrators apart does not survive PgBouncer's transaction pooling), else DATABASE_URL.
 */
import 'reflect-metadata';
import { createDataSource } from '../database/data-source';

const LOCK = 727001; // the same lock the servers take when they migrate at start

export async function migrate(url: string, log: (m: string) => void = console.log): Promise<string[]> {
  const ds = createDataSource(url);
  await ds.initialize();
  try {
    const qr = ds.createQueryRunner();
    await qr.connect();
    await qr.query(`SELECT pg_advisory_lock(${LOCK})`);
    try {
      const ran = await ds.runMigrations({ transaction: 'each' });
      log(ran.length ? `applied ${ran.length} migration(s): ${ran.map((m) => m.name).join(', ')}` : 'the database is up to date');
      return ran.map((m) => m.name);
    } finally {
      await qr.query(`SELECT pg_advisory_unlock(${LOCK})`);
      await qr.release();
    }
  } finally {
    await ds.destroy();
  }
}

if (require.main === module) {
  const url = process.env.DATABASE_DIRECT_URL || process.env.DATABASE_URL;
  if (!url) {
    console.error('[collabpay-migrate] DATABASE_URL (or DATABASE_DIRECT_URL) is required');
    process.exit(2);
  }
  migrate(url, (m) => console.log(`[collabpay-migrate] ${m}`)).then(
    () => process.exit(0),
    (e) => {
      console.error(`[collabpay-migrate] failed: ${e instanceof Error ? e.message : String(e)}`);
      process.exit(1);
    },
  );
}
