/**
 * Runs the pending database migrations and exits: the one-shot `migrate` step of a deployment (docker compose,
 * the Kubernetes Job) before API servers and workers start with SKIP_MIGRATIONS=true.
 *   node backend/dist/cli/migrate.js        (npm run migrate)
 * Over DATABASE_DIRECT_URL when set (PostgreSQL itself, not a transaction-pooling PgBouncer), else DATABASE_URL.
 */
import 'reflect-metadata';
import { migrate } from '../database/migrate';

async function main(): Promise<void> {
  const url = process.env.DATABASE_DIRECT_URL || process.env.DATABASE_URL;
  if (!url) {
    console.error('[collabpay-migrate] DATABASE_URL (or DATABASE_DIRECT_URL) is required');
    process.exit(2);
  }
  const t = Date.now();
  await migrate(url);
  console.log(`[collabpay-migrate] the database is up to date (${Date.now() - t} ms)`);
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(`[collabpay-migrate] failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
