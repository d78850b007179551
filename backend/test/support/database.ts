import { Client } from 'pg';
import { TEST_DATABASE_URL, databaseUrlFor } from './env';

let counter = 0;

/** A fresh database for one test file, cloned from the run's migrated template (fast: no migrations). */
export async function createTestDatabase(label = 't'): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const runId = process.env.COLLABPAY_TEST_RUN_ID;
  const template = process.env.COLLABPAY_TEST_TEMPLATE_DB;
  if (!runId || !template) throw new Error('globalSetup did not run (use the backend jest config)');
  const safe =
    label
      .toLowerCase()
      .replace(/[^a-z0-9]/g, '')
      .slice(0, 20) || 't';
  const name = `cp_${safe}_${runId}_${process.pid}_${++counter}`;
  const admin = new Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
        break;
      } catch (e) {
        // two files cloning the template at the same instant: wait and retry
        if (attempt < 50 && /being accessed by other users/.test((e as Error).message)) {
          await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
          continue;
        }
        throw e;
      }
    }
  } finally {
    await admin.end();
  }
  return {
    name,
    url: databaseUrlFor(name),
    drop: async () => {
      if (process.env.KEEP_TEST_DATABASES === 'true') return;
      const c = new Client({ connectionString: TEST_DATABASE_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => undefined);
      await c.end();
    },
  };
}
