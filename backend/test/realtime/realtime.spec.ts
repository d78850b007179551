import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { inTransaction } from '../../src/common/database/transaction';
import { OutboxService } from '../../src/modules/outbox/outbox.service';
import { MAX_SOCKETS_PER_USER } from '../../src/modules/realtime/realtime.constants';
import { createTestContext, eventually, TestContext, TestUser } from '../support/test-app';
import { appendCommitted, connectClient, handshakeOutcome, signToken, sleep, TestClient } from './realtime-helpers';

describe('realtime gateway (socket.io-client against a real server)', () => {
  let ctx: TestContext;
  const clients: TestClient[] = [];
  const open = async (token: string) => {
    const c = await connectClient(ctx.baseUrl, token);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    ctx = await createTestContext({ label: 'realtime' });
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
  });
  afterAll(() => ctx?.close());

  const payment = (status: string, extra: Record<string, unknown> = {}) => ({
    paymentId: randomUUID(),
    collaborationId: randomUUID(),
    status,
    amount: 50_000,
    currency: 'usd',
    message: `payment ${status.toLowerCase()}`,
    ...extra,
  });

  it('refuses missing, garbage, foreign-secret and expired tokens with connect_error "unauthorized"', async () => {
    const now = Math.floor(Date.now() / 1000);
    const foreign = signToken({ config: { ...ctx.config, jwtSecret: 'another-secret-another-secret-0123456789' } } as TestContext, { exp: now + 600 });
    const outcomes = await Promise.all([
      handshakeOutcome(ctx.baseUrl, undefined),
      handshakeOutcome(ctx.baseUrl, ''),
      handshakeOutcome(ctx.baseUrl, 'not.a.jwt'),
      handshakeOutcome(ctx.baseUrl, 12345),
      handshakeOutcome(ctx.baseUrl, foreign),
      handshakeOutcome(ctx.baseUrl, signToken(ctx, { exp: now - 5 })),
    ]);
    expect(outcomes).toEqual(Array(6).fill('unauthorized'));
    const good = await ctx.user('company');
    expect(await handshakeOutcome(ctx.baseUrl, good.token)).toBe('connected');
  });

  it('caps the sockets one user may hold on an instance', async () => {
    const u = await ctx.user('company');
    const many = await Promise.all(Array.from({ length: MAX_SOCKETS_PER_USER }, () => open(u.token)));
    expect(many.every((c) => c.socket.connected)).toBe(true);
    expect(await handshakeOutcome(ctx.baseUrl, u.token)).toBe('too many connections');
    many[0].close();
    await eventually(async () => (await handshakeOutcome(ctx.baseUrl, u.token)) === 'connected', 3000, 'a freed slot');
  });

  it('tells both parties of a payment, and nobody else', async () => {
    const [company, influencer, stranger] = await Promise.all([ctx.user('company'), ctx.user('influencer'), ctx.user('company')]);
    const [cc, ic, sc] = await Promise.all([open(company.token), open(influencer.token), open(stranger.token)]);
    const p = payment('HELD');
    await appendCommitted(ctx, [
      { userId: company.id, payload: p },
      { userId: influencer.id, payload: p },
    ]);
    await eventually(() => cc.received.length === 1 && ic.received.length === 1, 5000, 'both parties');
    for (const c of [cc, ic]) {
      expect(c.received[0].event).toBe('payment:update');
      expect(c.received[0].data).toEqual({ ...p, seq: 1, timestamp: expect.any(String) });
      expect(new Date(c.received[0].data.timestamp).toISOString()).toBe(c.received[0].data.timestamp);
    }
    // wallet and payout events go to their owner only
    await appendCommitted(ctx, [
      { userId: influencer.id, event: 'wallet:update', payload: { currency: 'usd', available: 45_000, pending: 0, lastTransaction: null } },
      {
        userId: influencer.id,
        event: 'payout:update',
        payload: { payoutId: randomUUID(), status: 'PENDING', amount: 45_000, currency: 'usd', message: 'on its way' },
      },
    ]);
    await eventually(() => ic.received.length === 3, 5000, 'influencer events');
    expect(ic.received.map((r) => [r.event, r.data.seq])).toEqual([
      ['payment:update', 1],
      ['wallet:update', 2],
      ['payout:update', 3],
    ]);
    await sleep(300);
    expect(cc.received).toHaveLength(1);
    expect(sc.received).toHaveLength(0);
    // and sync only ever replays the caller's own rows
    expect(await sc.socket.emitWithAck('sync', { since: 0 })).toBe(0);
    expect(sc.received).toHaveLength(0);
  });

  it('never emits a row whose transaction rolled back', async () => {
    const u = await ctx.user('company');
    const c = await open(u.token);
    const outbox = ctx.app.get(OutboxService);
    await expect(
      inTransaction(ctx.db, async (em) => {
        await outbox.append(em, u.id, 'payment:update', payment('HELD', { marker: 'rolled-back' }));
        outbox.notifyCommitted(); // even a premature wake-up cannot leak it: the relay reads committed rows only
        await sleep(150);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    outbox.notifyCommitted();
    await appendCommitted(ctx, [{ userId: u.id, payload: payment('HELD', { marker: 'committed' }) }]);
    await eventually(() => c.received.length >= 1, 5000, 'the committed event');
    await sleep(1200); // longer than the relay's poll
    expect(c.received.map((r) => [r.data.marker, r.data.seq])).toEqual([['committed', 1]]);
    const rows = await ctx.db.query(`SELECT payload->>'marker' AS marker FROM outbox_events WHERE user_id = $1`, [u.id]);
    expect(rows).toEqual([{ marker: 'committed' }]);
  });

  it('a client disconnected during three changes gets all three, in order, after sync', async () => {
    const u = await ctx.user('influencer');
    const first = await open(u.token);
    await appendCommitted(ctx, [{ userId: u.id, payload: payment('PENDING') }]);
    await eventually(() => first.received.length === 1, 5000, 'first event');
    const lastSeen = first.received[0].data.seq;
    first.close();

    const statuses = ['HELD', 'RELEASED', 'PARTIALLY_RELEASED'];
    for (const s of statuses) await appendCommitted(ctx, [{ userId: u.id, payload: payment(s) }]);
    // the relay has emitted them (to nobody) and marked them sent
    await eventually(
      async () =>
        (
          await ctx.db.query(
            `SELECT count(*)::int AS n FROM outbox_events o LEFT JOIN user_event_seqs s ON s.user_id = o.user_id WHERE (o.seq IS NULL OR o.seq > coalesce(s.sent_seq, 0)) AND o.user_id = $1`,
            [u.id],
          )
        )[0].n === 0,
      5000,
      'rows sent',
    );

    const again = await open(u.token);
    const count = await again.socket.emitWithAck('sync', { since: lastSeen });
    expect(count).toBe(3);
    await eventually(() => again.received.length === 3, 5000, 'replayed events');
    expect(again.received.map((r) => [r.data.seq, r.data.status])).toEqual([
      [2, 'HELD'],
      [3, 'RELEASED'],
      [4, 'PARTIALLY_RELEASED'],
    ]);
    // sync without an ack callback works too, and a bad `since` means "from the start"
    again.socket.emit('sync', { since: 'nonsense' });
    await eventually(() => again.received.length === 7, 5000, 'full replay');
    expect(again.seqs()).toEqual([2, 3, 4, 1, 2, 3, 4]);
  });

  it('a token that expires while connected stops receiving', async () => {
    const u = await ctx.user('company');
    const exp = Math.floor(Date.now() / 1000) + 2;
    const c = await open(signToken(ctx, { sub: u.id, exp }));
    const reason = new Promise<string>((r) => c.socket.once('disconnect', r));
    await appendCommitted(ctx, [{ userId: u.id, payload: payment('HELD') }]);
    await eventually(() => c.received.length === 1, 5000, 'event before expiry');
    expect(await reason).toBe('io server disconnect');
    expect(Date.now()).toBeGreaterThanOrEqual(exp * 1000 - 50);
    await appendCommitted(ctx, [{ userId: u.id, payload: payment('RELEASED') }]);
    await sleep(300);
    expect(c.received).toHaveLength(1);
    // and it cannot come back with the same token
    expect(await handshakeOutcome(ctx.baseUrl, signToken(ctx, { sub: u.id, exp }))).toBe('unauthorized');
  });

  it('wakes up at commit for rows written by another process (NOTIFY), not only on the poll', async () => {
    const u = await ctx.user('company');
    const c = await open(u.token);
    const other = new Client({ connectionString: ctx.databaseUrl }); // e.g. a queue worker without sockets
    await other.connect();
    try {
      for (let i = 1; i <= 5; i++) {
        await other.query('BEGIN');
        await other.query(
          `INSERT INTO user_event_seqs (user_id, last_seq) VALUES ($1, 1) ON CONFLICT (user_id) DO UPDATE SET last_seq = user_event_seqs.last_seq + 1`,
          [u.id],
        );
        await other.query(`INSERT INTO outbox_events (user_id, seq, event, payload) VALUES ($1, $2, 'payment:update', $3)`, [
          u.id,
          i,
          JSON.stringify(payment('HELD')),
        ]);
        await other.query('COMMIT');
        const t0 = Date.now();
        await eventually(() => c.received.length === i, 2000, `event ${i}`);
        // the poll runs every second; five deliveries well under that each cannot all be the poll's luck
        expect(Date.now() - t0).toBeLessThan(400);
      }
      expect(c.seqs()).toEqual([1, 2, 3, 4, 5]);
    } finally {
      await other.end();
    }
  });

  it('live events committed during a long sync never overtake the replay', async () => {
    const u = await ctx.user('influencer');
    const BACKLOG = 4900; // ten replay pages
    await ctx.db.query(
      `INSERT INTO outbox_events (user_id, seq, event, payload)
       SELECT $1, g, 'payment:update', jsonb_build_object('status', 'HELD', 'n', g) FROM generate_series(1, $2::int) g`,
      [u.id, BACKLOG],
    );
    await ctx.db.query(`INSERT INTO user_event_seqs (user_id, last_seq, sent_seq) VALUES ($1, $2, $2)`, [u.id, BACKLOG]); // sent long ago
    const c = await open(u.token);
    // what a client does: apply an event only if its seq is newer than the last one applied
    const applied: number[] = [];
    for (const e of ['payment:update', 'wallet:update'] as const)
      c.socket.on(e, (d: { seq: number }) => (applied.length === 0 || d.seq > applied[applied.length - 1] ? applied.push(d.seq) : undefined));
    const LIVE = 30;
    // start writing as soon as the replay has begun
    const writers = new Promise<void>((resolve, reject) =>
      c.socket.once('payment:update', () => {
        (async () => {
          for (let i = 0; i < LIVE; i++) {
            await appendCommitted(ctx, [
              { userId: u.id, event: 'wallet:update', payload: { currency: 'usd', available: i, pending: 0, lastTransaction: null } },
            ]);
          }
        })().then(resolve, reject);
      }),
    );
    await c.socket.emitWithAck('sync', { since: 0 });
    await writers;
    console.log(
      c
        .seqs()
        .map((s, i, a) => (i > 0 && s < a[i - 1] ? `<${s}@${i}>` : ''))
        .filter(Boolean)
        .join(' ') || 'in order',
      c.seqs().slice(0, 5),
      c.seqs().findIndex((s) => s > BACKLOG),
    );
    await eventually(() => applied[applied.length - 1] === BACKLOG + LIVE, 8000, 'every event');
    expect(applied).toEqual(Array.from({ length: BACKLOG + LIVE }, (_, i) => i + 1));
  });

  it('emits each seq exactly once and in order under concurrent writers', async () => {
    const u: TestUser = await ctx.user('company');
    const c = await open(u.token);
    const N = 120;
    await Promise.all(Array.from({ length: N }, (_, i) => appendCommitted(ctx, [{ userId: u.id, payload: payment('HELD', { i }) }])));
    await eventually(() => c.received.length >= N, 10_000, `${N} events`);
    await sleep(200);
    expect(c.seqs()).toEqual(Array.from({ length: N }, (_, i) => i + 1));
  });
});
