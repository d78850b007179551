import { randomUUID } from 'node:crypto';
import { Client, Pool, PoolClient } from 'pg';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { createTestContext, eventually, TestContext } from '../support/test-app';
import { appendCommitted, sleep } from './realtime-helpers';

/**
 * The relay steps on a pg client it checks out of the pool itself (not through TypeORM). A connection that drops
 * while the client is out and between two of its queries (PostgreSQL restarting, the session killed) must be that
 * step's failure, not an unhandled 'error' event that ends the process; the relay then goes on with a new connection.
 */
describe('outbox relay: its connection dropped in the middle of a relay step', () => {
  let ctx: TestContext;
  let admin: Client;

  beforeAll(async () => {
    ctx = await createTestContext({ label: 'relay-drop' });
    admin = new Client({ connectionString: ctx.databaseUrl });
    await admin.connect();
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await admin?.end();
    await ctx?.close();
  });

  it('fails that step only; the process lives on and the relay sends the rows on a fresh connection', async () => {
    const pool = (ctx.db.driver as PostgresDriver).master as Pool;
    const connect = pool.connect.bind(pool) as () => Promise<PoolClient>;
    let killed: number | undefined;
    let stepEnded = false;
    // the relay step asks the pool for a client with no callback (TypeORM passes one: left alone)
    jest.spyOn(pool, 'connect').mockImplementation(((...args: unknown[]) => {
      if (args.length || killed !== undefined) return (connect as (...a: unknown[]) => unknown)(...args);
      killed = -1;
      return connect().then((client) => {
        const pid = (client as unknown as { processID: number }).processID;
        const query = client.query.bind(client) as (...a: unknown[]) => Promise<unknown>;
        let calls = 0;
        client.query = (async (...a: unknown[]) => {
          if (++calls === 2) {
            // ended between the step's first and second query, while none of its queries runs
            killed = pid;
            await admin.query('SELECT pg_terminate_backend($1)', [pid]);
            await sleep(300);
          }
          return query(...a).finally(() => {
            if (calls >= 2) stepEnded = true;
          });
        }) as typeof client.query;
        return client;
      });
    }) as typeof pool.connect);

    await appendCommitted(ctx, [{ userId: randomUUID(), payload: { n: 1 } }]);
    await eventually(async () => stepEnded, 15_000, 'a relay step on the killed connection');
    expect(killed).toBeGreaterThan(0);
    const [{ alive }] = await admin.query('SELECT count(*)::int AS alive FROM pg_stat_activity WHERE pid = $1', [killed]).then((r) => r.rows);
    expect(alive).toBe(0);
    // the relay goes on: rows written now (and the one of the failed step) are all sent
    await appendCommitted(ctx, [{ userId: randomUUID(), payload: { n: 2 } }]);
    await eventually(
      async () =>
        (
          await admin.query(
            `SELECT count(*)::int AS n FROM outbox_events o LEFT JOIN user_event_seqs s ON s.user_id = o.user_id WHERE (o.seq IS NULL OR o.seq > coalesce(s.sent_seq, 0))`,
          )
        ).rows[0].n === 0,
      15_000,
      'everything relayed after the drop',
    );
  });
});
