// Plain CommonJS on purpose: loaded by Jest (in-process handlers) and by the spawned worker processes
// (test-worker.js), which run compiled code without any TypeScript loader.
'use strict';

/** Tables the test handlers write to (created in each test database). */
const TEST_SCHEMA = `
  CREATE TABLE IF NOT EXISTS test_payments (id text PRIMARY KEY, status text NOT NULL, version int NOT NULL, applied int NOT NULL DEFAULT 0);
  CREATE TABLE IF NOT EXISTS test_effects (event_id text NOT NULL, payment_id text, pid int NOT NULL DEFAULT pg_backend_pid(), at timestamptz NOT NULL DEFAULT clock_timestamp());
  CREATE TABLE IF NOT EXISTS test_flags (name text PRIMARY KEY, value text NOT NULL);
`;

/**
 * `test_payment.updated`: an order-insensitive state machine in miniature. The object carries a monotonic
 * `version`; a stale version is ignored for the status but the event still counts one effect, so
 * "every distinct event applied exactly once" is checkable (`applied` = number of distinct events, and one
 * `test_effects` row per event id).
 * `test.effect`: just records one effect.
 * `test.flaky`: fails while the flag `fail` is 'true' (FAILED / replay tests).
 * `test.irrelevant`: returns 'ignored'.
 */
function registerTestHandlers(registry) {
  registry.register('test_payment.updated', async (event, em) => {
    const o = event.data.object;
    if (o.sleepMs) await em.query('SELECT pg_sleep($1)', [o.sleepMs / 1000]);
    await em.query(
      `INSERT INTO test_payments (id, status, version, applied) VALUES ($1, $2, $3, 1)
       ON CONFLICT (id) DO UPDATE SET
         status = CASE WHEN EXCLUDED.version > test_payments.version THEN EXCLUDED.status ELSE test_payments.status END,
         version = GREATEST(EXCLUDED.version, test_payments.version),
         applied = test_payments.applied + 1`,
      [o.id, o.status, o.version],
    );
    await em.query('INSERT INTO test_effects (event_id, payment_id) VALUES ($1, $2)', [event.id, o.id]);
    return 'applied';
  });
  registry.register('test.effect', async (event, em) => {
    await em.query('INSERT INTO test_effects (event_id) VALUES ($1)', [event.id]);
    // widen the window in which concurrent deliveries could double-apply if the locking were wrong
    await em.query('SELECT pg_sleep(0.05)');
    return 'applied';
  });
  registry.register('test.flaky', async (event, em) => {
    const rows = await em.query(`SELECT value FROM test_flags WHERE name = 'fail'`);
    if (rows[0] && rows[0].value === 'true') throw new Error('flaky handler refused ' + event.id);
    await em.query('INSERT INTO test_effects (event_id) VALUES ($1)', [event.id]);
    return 'applied';
  });
  registry.register('test.irrelevant', async () => 'ignored');
}

module.exports = { TEST_SCHEMA, registerTestHandlers };
