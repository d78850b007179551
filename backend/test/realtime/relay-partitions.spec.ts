import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { OutboxEventRepository } from '../../src/modules/realtime/outbox-event.repository';
import { OutboxRelay } from '../../src/modules/realtime/outbox-relay.service';
import type { OutboxEventRow } from '../../src/modules/realtime/realtime-event';
import { RealtimeGateway } from '../../src/modules/realtime/realtime.gateway';
import { createTestContext, eventually, TestContext } from '../support/test-app';
import { appendCommitted, connectClient, sleep, TestClient } from './realtime-helpers';

/** The lock namespace of the relay's partition locks (OutboxEventRepository). */
const RELAY_LOCK_NS = 727_107;

/**
 * The partitioned relay's rules, on two instances sharing PostgreSQL and Redis: the partitions are shared out,
 * taken over when an instance stops or dies, a user's seqs stay gap-free and in send order under concurrent
 * writers, and a crash between giving seqs and emitting resends the same seqs.
 */
describe('partitioned outbox relay', () => {
  let a: TestContext;
  let b: TestContext;
  const clients: TestClient[] = [];
  const relay = (ctx: TestContext) => ctx.app.get(OutboxRelay);
  const restart = (ctx: TestContext) => ctx.app.get(RealtimeGateway).startRelay();
  const open = async (ctx: TestContext, token: string) => {
    const c = await connectClient(ctx.baseUrl, token);
    clients.push(c);
    return c;
  };
  const unsent = async () =>
    (
      await a.db.query(
        `SELECT count(*)::int AS n FROM outbox_events o LEFT JOIN user_event_seqs s ON s.user_id = o.user_id WHERE (o.seq IS NULL OR o.seq > coalesce(s.sent_seq, 0))`,
      )
    )[0].n as number;
  const sentSince = (ctx: TestContext, before: Map<number, number>) =>
    [...relay(ctx).stats.sentByPartition].filter(([p, n]) => n > (before.get(p) ?? 0)).map(([p]) => p);

  beforeAll(async () => {
    a = await createTestContext({ label: 'part-a' });
    b = await createTestContext({ label: 'part-b', databaseUrl: a.databaseUrl, sharedEmulator: a.emulator, queuePrefix: a.config.queuePrefix });
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    restart(a);
    restart(b);
    await eventually(async () => (await unsent()) === 0, 15_000, 'nothing left unsent between tests');
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('splits the partitions between two instances, each relaying its share', async () => {
    await eventually(() => relay(a).preferred().length === 8 && relay(b).preferred().length === 8, 10_000, 'both relays to see each other');
    const [pa, pb] = [relay(a).preferred(), relay(b).preferred()];
    expect([...pa, ...pb].sort((x, y) => x - y)).toEqual(Array.from({ length: 16 }, (_, i) => i));
    const before = [new Map(relay(a).stats.sentByPartition), new Map(relay(b).stats.sentByPartition)];
    const users = Array.from({ length: 40 }, () => randomUUID());
    await appendCommitted(
      a,
      users.map((userId) => ({ userId, payload: { n: 1 } })),
    );
    await eventually(async () => (await unsent()) === 0, 15_000, 'all relayed');
    const [byA, byB] = [sentSince(a, before[0]), sentSince(b, before[1])];
    // both took part (40 users all hashing into one instance's 8 partitions: 2^-39), and together covered every row
    expect(byA.length).toBeGreaterThan(0);
    expect(byB.length).toBeGreaterThan(0);
    const sent = (ctx: TestContext, i: number) => [...relay(ctx).stats.sentByPartition].reduce((s, [p, n]) => s + n - (before[i].get(p) ?? 0), 0);
    expect(sent(a, 0) + sent(b, 1)).toBe(users.length); // each row emitted once
  });

  it('hands the partitions of an instance that stops to the other, which delivers everything', async () => {
    const u = await a.user('company');
    const onA = await open(a, u.token);
    await relay(b).stop(); // B leaves the members at once
    await eventually(() => relay(a).preferred().length === 16, 5_000, 'A to prefer every partition');
    const users = Array.from({ length: 30 }, () => randomUUID());
    await appendCommitted(
      b,
      [...users, u.id].map((userId) => ({ userId, payload: { n: 2 } })),
    );
    await eventually(async () => (await unsent()) === 0, 10_000, 'A relays all of it');
    await eventually(() => onA.received.length === 1, 5_000, 'the client on A');
    expect(onA.received[0].data).toMatchObject({ n: 2, seq: 1 });
  });

  it('takes over from an instance that died: its partition locks go with its transactions, its rows after the takeover delay', async () => {
    const u = await a.user('influencer');
    const onA = await open(a, u.token);
    await relay(b).stop();
    // a dead instance: still listed as a member (it never left), and holding every partition lock in a transaction
    const dead = new Client({ connectionString: a.databaseUrl });
    await dead.connect();
    await a.db.query(`INSERT INTO outbox_relay_members (instance_id, partitions, seen_at) VALUES ('zz-dead', 16, now())`);
    await dead.query('BEGIN');
    await dead.query(`SELECT pg_advisory_xact_lock($1, p) FROM generate_series(0, 15) AS p`, [RELAY_LOCK_NS]);
    await eventually(() => relay(a).preferred().length === 8, 5_000, 'A to count the dead member');
    await appendCommitted(a, [{ userId: u.id, payload: { n: 3 } }]);
    await sleep(1_500);
    expect(onA.received).toHaveLength(0); // locked by the "dead" transaction
    await dead.end(); // its connection dies: the transaction and its locks with it
    await eventually(() => onA.received.length === 1, 10_000, 'the event after the takeover');
    expect(onA.received[0].data).toMatchObject({ n: 3, seq: 1 });
    await a.db.query(`DELETE FROM outbox_relay_members WHERE instance_id = 'zz-dead'`);
  });

  it("keeps each user's seqs gap-free and in send order under concurrent writers on both instances and raw inserts", async () => {
    const users = await Promise.all([a.user('company'), a.user('influencer'), b.user('company')]);
    const onA = await open(a, users[0].token);
    const onB = await open(b, users[1].token);
    const onB2 = await open(b, users[2].token);
    const N = 60;
    await Promise.all(
      Array.from({ length: N }, (_, i) =>
        i % 3 === 2
          ? // a writer that is not an app instance (a worker of another deployment, a script): only the NOTIFY tells the relays
            a.db.query(
              `INSERT INTO outbox_events (user_id, event, payload) SELECT u, 'payment:update', jsonb_build_object('i', $2::int) FROM unnest($1::uuid[]) AS u`,
              [users.map((x) => x.id), i],
            )
          : appendCommitted(
              i % 2 ? a : b,
              users.map((x) => ({ userId: x.id, payload: { i } })),
            ),
      ),
    );
    await eventually(() => [onA, onB, onB2].every((c) => c.received.length >= N), 15_000, 'all events');
    await sleep(300);
    const expected = Array.from({ length: N }, (_, i) => i + 1);
    for (const c of [onA, onB, onB2]) expect(c.seqs()).toEqual(expected);
    // the same rows in the same order for every user: seq order is the order in which the rows became visible
    const rows = await a.db.query(
      `SELECT user_id, array_agg(seq ORDER BY seq) AS seqs, count(DISTINCT seq)::int AS distinct_seqs FROM outbox_events WHERE user_id = ANY($1::uuid[]) GROUP BY user_id`,
      [users.map((x) => x.id)],
    );
    for (const r of rows) {
      expect(r.distinct_seqs).toBe(N);
      expect(r.seqs.map(Number)).toEqual(expected);
    }
  });

  it('resends with the same seq after a crash between giving seqs and emitting', async () => {
    const u = await a.user('company');
    await Promise.all([relay(a).stop(), relay(b).stop()]);
    await appendCommitted(
      a,
      ['first', 'second', 'third'].map((label) => ({ userId: u.id, payload: { label } })),
    );
    const repo = a.app.get(OutboxEventRepository);
    const all = Array.from({ length: 16 }, (_, p) => p);
    // a relay gives the seqs (committed) and "crashes" before the step that would emit them
    const emitted: OutboxEventRow[] = [];
    const first = await repo.relayStep(16, all, 500, (rows) => emitted.push(...rows));
    expect(first).toMatchObject({ sent: 0, numbered: 3 });
    // the next relay emits two of them and dies before it marks them sent (the emit throws: its transaction rolls back)
    await expect(
      repo.relayStep(16, all, 500, (rows) => {
        emitted.push(...rows.slice(0, 2));
        throw new Error('process died mid-emit');
      }),
    ).rejects.toThrow('process died mid-emit');
    const stored = await a.db.query(`SELECT payload->>'label' AS label, seq FROM outbox_events WHERE user_id = $1 ORDER BY seq`, [u.id]);
    expect(stored.map((r: { label: string; seq: number }) => [r.label, Number(r.seq)])).toEqual([
      ['first', 1],
      ['second', 2],
      ['third', 3],
    ]);
    const sentSeq = async () => Number((await a.db.query(`SELECT sent_seq FROM user_event_seqs WHERE user_id = $1`, [u.id]))[0].sent_seq);
    expect(await sentSeq()).toBe(0); // none marked sent
    expect(emitted.map((r) => [r.payload.label, r.seq])).toEqual([
      ['first', 1],
      ['second', 2],
    ]);
    // a client connects; a relay comes back: the rows go out with the seqs they were given, once each
    const onB = await open(b, u.token);
    restart(b);
    await eventually(() => onB.received.length === 3, 10_000, 'the resent rows');
    expect(onB.received.map((r) => [r.data.label, r.data.seq])).toEqual([
      ['first', 1],
      ['second', 2],
      ['third', 3],
    ]);
    await eventually(async () => (await sentSeq()) === 3, 5_000, 'all three marked sent');
  });
});
