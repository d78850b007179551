import { randomUUID } from 'node:crypto';
import { withPassLock } from '../../src/common/database/pass-lock';
import { OutboxRelay } from '../../src/modules/realtime/outbox-relay.service';
import { appendCommitted, connectClient, EVENTS, TestClient } from '../realtime/realtime-helpers';
import { createTestDatabase } from '../support/database';
import { expectLedgerClean, proposeAndAccept } from '../support/flows';
import { startPgBouncer, PgBouncer } from '../support/pgbouncer';
import { createTestContext, eventually, TestContext, TestUser } from '../support/test-app';
import { play } from '../webhooks/support/payment-scenarios';

/**
 * The deployment this round targets: two API instances and a queue worker whose DATABASE_URL is a PgBouncer in
 * transaction pooling mode (DATABASE_DIRECT_URL: PostgreSQL itself, for LISTEN and migrations). Stripe's webhooks
 * (duplicated and reordered by the emulator) are applied exactly once, both parties' sockets on different
 * instances receive their events in seq order without gaps, catch-up with `sync` works, and when an instance
 * stops the others relay its partitions.
 */
describe('scale-out through PgBouncer (transaction pooling)', () => {
  let bouncer: PgBouncer;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let a: TestContext;
  let b: TestContext;
  let worker: TestContext;
  let company: TestUser;
  let influencer: TestUser;
  const clients: TestClient[] = [];
  const POOL = 10;

  const relays = () => [a, b, worker].filter(Boolean).map((c) => c.app.get(OutboxRelay));
  const unsent = async () =>
    (
      await a.db.query(
        `SELECT count(*)::int AS n FROM outbox_events o LEFT JOIN user_event_seqs s ON s.user_id = o.user_id WHERE (o.seq IS NULL OR o.seq > coalesce(s.sent_seq, 0))`,
      )
    )[0].n as number;
  /** The user's seqs in the outbox (of the events the test client records, or all). */
  const seqsOf = async (userId: string, events?: string[]): Promise<number[]> =>
    (
      await a.db.query(`SELECT seq FROM outbox_events WHERE user_id = $1 AND seq IS NOT NULL AND ($2::text[] IS NULL OR event = ANY($2)) ORDER BY seq`, [
        userId,
        events ?? null,
      ])
    ).map((r: { seq: number }) => Number(r.seq));

  beforeAll(async () => {
    db = await createTestDatabase('pgbouncer');
    bouncer = await startPgBouncer('scale-out', { poolSize: POOL });
    const env = (extra: Record<string, string>) => ({
      DATABASE_URL: bouncer.url(db.name),
      DATABASE_DIRECT_URL: db.url,
      WEBHOOK_SWEEP_INTERVAL_MS: '0',
      WEBHOOK_RECONCILE_INTERVAL_MS: '0',
      ...extra,
    });
    a = await createTestContext({ label: 'pgb-a', databaseUrl: db.url, env: env({ RUN_WORKER: 'false' }) });
    const twin = (label: string, runWorker: boolean) =>
      createTestContext({
        label,
        databaseUrl: db.url,
        sharedEmulator: a.emulator,
        queuePrefix: a.config.queuePrefix,
        env: env({ RUN_WORKER: String(runWorker), RUN_SCHEDULERS: 'false' }),
      });
    b = await twin('pgb-b', false);
    worker = await twin('pgb-w', true);
    company = await a.user('company', 'Bounced Co');
    influencer = await b.user('influencer', 'Bounced Creator');
  }, 120_000);

  afterAll(async () => {
    for (const c of clients.splice(0)) c.close();
    for (const c of [worker, b, a]) await c?.close().catch(() => undefined);
    await bouncer?.stop();
    await db?.drop();
  });

  it('runs the app through the pooler: server connections stay within the pool, only LISTEN goes direct', async () => {
    expect(a.config.databaseUrl).toContain(`:${bouncer.port}/`);
    expect(a.config.databaseDirectUrl).toBe(db.url);
    const servers = (await bouncer.show('SERVERS')).filter((s) => s.database === db.name);
    expect(servers.length).toBeGreaterThan(0);
    expect(servers.length).toBeLessThanOrEqual(POOL);
    // the direct connections to this database: the three relays' LISTEN connections, nothing else of the app
    const direct = await a.db.query(
      `SELECT application_name AS app, count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name LIKE 'collabpay:%' GROUP BY 1`,
      [db.name],
    );
    expect(direct).toEqual([{ app: 'collabpay:outbox-listener', n: 3 }]);
  });

  it('holds a pass lock (auto-release, migrations) across transactions through the pooler, and only while the pass runs', async () => {
    const KEY = 424_242;
    const held = async () =>
      (await a.db.query(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND objid = $1 AND granted`, [KEY]))[0].n as number;
    let finish!: () => void;
    const gate = new Promise<void>((r) => (finish = r));
    const first = withPassLock(a.db, KEY, true, async () => {
      // the pass does its own transactions on other pooled connections meanwhile
      await a.db.transaction(async (em) => em.query(`SELECT count(*) FROM payments`));
      await gate;
      return 'first';
    });
    await eventually(async () => (await held()) === 1, 5_000, 'the first pass to hold the lock');
    expect(await withPassLock(worker.db, KEY, false, async () => 'second')).toEqual({ ran: false });
    finish();
    expect(await first).toEqual({ ran: true, value: 'first' });
    expect(await held()).toBe(0);
    expect(await withPassLock(worker.db, KEY, false, async () => 'second')).toEqual({ ran: true, value: 'second' });
  });

  it('applies duplicated, reordered payment webhooks exactly once; both parties get their events in seq order on different instances', async () => {
    const onA = await connectClient(a.baseUrl, company.token);
    const onB = await connectClient(b.baseUrl, influencer.token);
    clients.push(onA, onB);
    a.emulator.setChaos({ duplicate: true, reorder: true });
    const payments: string[] = [];
    for (let i = 0; i < 4; i++) {
      const { paymentId } = await proposeAndAccept(a, company, influencer, { amount: 5000 + i, title: `Bounced ${i}` });
      const [{ pi }] = await a.db.query(`SELECT stripe_payment_intent_id AS pi FROM payments WHERE id = $1`, [paymentId]);
      await play(i % 2 ? a : b, pi, 'paid');
      payments.push(paymentId);
    }
    await a.emulator.flushWebhooks();
    await eventually(
      async () => {
        const rows = await a.db.query(`SELECT count(*)::int AS n FROM payments WHERE id = ANY($1::uuid[]) AND status = 'HELD'`, [payments]);
        return rows[0].n === payments.length;
      },
      60_000,
      'every payment HELD',
    );
    await eventually(
      async () => (await a.db.query(`SELECT count(*)::int AS n FROM webhook_events WHERE status = 'RECEIVED'`))[0].n === 0,
      30_000,
      'inbox drained',
    );
    // exactly once: no event failed, each charge booked once (the ledger check includes escrow = amount - released - refunded)
    const [{ failed }] = await a.db.query(`SELECT count(*)::int AS failed FROM webhook_events WHERE status = 'FAILED'`);
    expect(failed).toBe(0);
    await expectLedgerClean(a);
    const held = await a.db.query(`SELECT amount FROM payments WHERE id = ANY($1::uuid[]) ORDER BY amount`, [payments]);
    expect(held.map((p: { amount: number }) => Number(p.amount))).toEqual([5000, 5001, 5002, 5003]);

    await eventually(async () => (await unsent()) === 0, 20_000, 'every outbox row relayed');
    const [companySeqs, influencerSeqs] = await Promise.all([seqsOf(company.id), seqsOf(influencer.id)]);
    expect(companySeqs.length).toBeGreaterThanOrEqual(payments.length);
    expect(companySeqs).toEqual(companySeqs.map((_, i) => i + 1));
    expect(influencerSeqs).toEqual(influencerSeqs.map((_, i) => i + 1));
    // the test clients record payment, wallet and payout events: those arrive live, all of them, in seq order
    const [companyLive, influencerLive] = await Promise.all([seqsOf(company.id, EVENTS), seqsOf(influencer.id, EVENTS)]);
    expect(companyLive.length).toBeGreaterThanOrEqual(payments.length);
    await eventually(() => onA.received.length >= companyLive.length && onB.received.length >= influencerLive.length, 10_000, 'live events');
    expect(onA.seqs()).toEqual(companyLive);
    expect(onB.seqs()).toEqual(influencerLive);
  }, 150_000);

  it('a client that was away catches up with sync on another instance', async () => {
    const first = await connectClient(a.baseUrl, company.token);
    const before = await seqsOf(company.id);
    first.close();
    await appendCommitted(
      worker,
      [1, 2, 3].map((i) => ({ userId: company.id, payload: { paymentId: randomUUID(), status: 'HELD', i } })),
    );
    await eventually(async () => (await unsent()) === 0, 20_000, 'relayed while away');
    const again = await connectClient(b.baseUrl, company.token);
    clients.push(again);
    const since = before[before.length - 1];
    expect(await again.socket.emitWithAck('sync', { since })).toBe(3);
    expect(again.seqs()).toEqual([since + 1, since + 2, since + 3]);
    expect(again.received.map((r) => r.data.i)).toEqual([1, 2, 3]);
  });

  it('shares the relay partitions between the instances and moves them when one stops', async () => {
    await eventually(() => relays().every((r) => r.preferred().length < r.partitions), 10_000, 'the relays to see each other');
    const users = Array.from({ length: 48 }, () => randomUUID());
    const sentBy = () => relays().map((r) => new Map(r.stats.sentByPartition));
    const before = sentBy();
    await appendCommitted(
      worker,
      users.map((userId) => ({ userId, payload: { round: 1 } })),
    );
    await eventually(async () => (await unsent()) === 0, 20_000, 'round 1 relayed');
    const round1 = sentBy().map((m, i) => [...m].filter(([p, n]) => n > (before[i].get(p) ?? 0)).map(([p]) => p));
    // each relay took part (48 users over 16 partitions leave none of the three without work but by a fluke of 3^-48)
    expect(round1.filter((ps) => ps.length > 0).length).toBeGreaterThanOrEqual(2);

    const bPartitions = b.app.get(OutboxRelay).preferred();
    await b.close(); // its relay leaves; A and the worker share its partitions
    b = undefined as unknown as TestContext;
    expect(bPartitions.length).toBeGreaterThan(0);
    await eventually(() => relays().every((r) => r.preferred().length === r.partitions / 2), 10_000, 'A and the worker to split all partitions');
    const mid = sentBy();
    await appendCommitted(
      a,
      users.map((userId) => ({ userId, payload: { round: 2 } })),
    );
    await eventually(async () => (await unsent()) === 0, 20_000, 'round 2 relayed without B');
    const round2 = new Set(sentBy().flatMap((m, i) => [...m].filter(([p, n]) => n > (mid[i].get(p) ?? 0)).map(([p]) => p)));
    const [{ n }] = await a.db.query(
      `SELECT count(DISTINCT (hashtext(user_id::text) & 2147483647) % 16)::int AS n FROM outbox_events WHERE user_id = ANY($1::uuid[])`,
      [users],
    );
    expect(round2.size).toBe(n); // every partition with rows was relayed by A or the worker, B's included
    const [{ rows }] = await a.db.query(`SELECT count(*)::int AS rows FROM outbox_events WHERE user_id = ANY($1::uuid[]) AND seq = 2`, [users]);
    expect(rows).toBe(users.length);
  }, 90_000);
});
