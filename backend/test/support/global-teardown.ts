import { Client } from 'pg';
import { TEST_DATABASE_URL } from './env';

/** Drops the template and every per-file database of this run (and of runs that died more than a day ago). */
export default async function globalTeardown(): Promise<void> {
  const runId = process.env.COLLABPAY_TEST_RUN_ID;
  if (!runId || process.env.KEEP_TEST_DATABASES === 'true') return;
  const admin = new Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1 OR datname LIKE $2`, [
      `cp_%_${runId}%`,
      `cp_tpl_${runId}`,
    ]);
    for (const { datname } of rows) {
      await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`).catch(() => undefined);
    }
  } finally {
    await admin.end();
  }
}
