import { Client } from 'pg';
import { createDataSource } from '../../src/database/data-source';
import { TEST_DATABASE_URL, databaseUrlFor } from './env';

/** Once per `jest` run: a template database with every migration applied; each test file clones it. */
export default async function globalSetup(): Promise<void> {
  const runId = `${Date.now().toString(36)}${process.pid.toString(36)}`;
  const template = `cp_tpl_${runId}`;
  const admin = new Client({ connectionString: TEST_DATABASE_URL });
  try {
    await admin.connect();
  } catch (e) {
    throw new Error(
      `Tests need PostgreSQL at ${TEST_DATABASE_URL.replace(/:[^:@/]+@/, ':***@')} (set TEST_DATABASE_URL, or run npm test which starts one): ${(e as Error).message}`,
      { cause: e },
    );
  }
  await admin.query(`CREATE DATABASE ${template}`);
  await admin.end();
  const ds = createDataSource(databaseUrlFor(template));
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  await ds.destroy();
  process.env.COLLABPAY_TEST_RUN_ID = runId;
  process.env.COLLABPAY_TEST_TEMPLATE_DB = template;
}
