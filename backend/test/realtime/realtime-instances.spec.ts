import { randomUUID } from 'node:crypto';
import { OutboxRelay } from '../../src/modules/realtime/outbox-relay.service';
import { RealtimeGateway } from '../../src/modules/realtime/realtime.gateway';
import { createTestContext, eventually, TestContext } from '../support/test-app';
import { appendCommitted, connectClient, sleep, TestClient } from './realtime-helpers';

/** Several server instances on different ports sharing Postgres, Redis and the queue prefix. */
describe('realtime across instances', () => {
  let a: TestContext;
  let b: TestContext;
  const clients: TestClient[] = [];
  const open = async (ctx: TestContext, token: string) => {
    const c = await connectClient(ctx.baseUrl, token);
    clients.push(c);
    return c;
  };
  const payment = (status: string, extra: Record<string, unknown> = {}) => ({
    paymentId: randomUUID(),
    collaborationId: randomUUID(),
    status,
    amount: 1_000,
    currency: 'eur',
    message: status,
    ...extra,
  });
  const twin = (of: TestContext, label: string) =>
    createTestContext({ label, databaseUrl: of.databaseUrl, sharedEmulator: of.emulator, queuePrefix: of.config.queuePrefix });

  beforeAll(async () => {
    a = await createTestContext({ label: 'rt-a' });
    b = await twin(a, 'rt-b');
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('a client on instance A receives events relayed by instance B', async () => {
    expect(a.baseUrl).not.toBe(b.baseUrl);
    const [company, influencer] = await Promise.all([a.user('company'), a.user('influencer')]);
    const onA = await open(a, company.token);
    const onB = await open(b, influencer.token);
    await a.app.get(OutboxRelay).stop(); // only B can relay now
    try {
      const p = payment('HELD');
      await appendCommitted(b, [
        { userId: company.id, payload: p },
        { userId: influencer.id, payload: p },
      ]);
      await eventually(() => onA.received.length === 1 && onB.received.length === 1, 5000, 'both clients');
      expect(onA.received[0].data).toMatchObject({ ...p, seq: 1 });
      expect(onB.received[0].data).toMatchObject({ ...p, seq: 1 });
    } finally {
      restartRelay(a);
    }
  });

  it('rows left unsent are emitted when an instance starts, once and in order', async () => {
    const u = await a.user('company');
    const onA = await open(a, u.token);
    await Promise.all([a.app.get(OutboxRelay).stop(), b.app.get(OutboxRelay).stop()]); // "all instances down"
    for (const s of ['PENDING', 'HELD', 'RELEASED']) await appendCommitted(a, [{ userId: u.id, payload: payment(s) }]);
    await sleep(300);
    expect(onA.received).toHaveLength(0);
    const c = await twin(a, 'rt-c'); // a fresh instance relays what was left at start-up
    try {
      await eventually(() => onA.received.length === 3, 8000, 'events relayed on start-up');
      expect(onA.received.map((r) => [r.data.seq, r.data.status])).toEqual([
        [1, 'PENDING'],
        [2, 'HELD'],
        [3, 'RELEASED'],
      ]);
      // marked sent by the relay's commit, which may land just after the client got the events
      await eventually(
        async () =>
          (
            await a.db.query(
              `SELECT count(*)::int AS n FROM outbox_events o LEFT JOIN user_event_seqs s ON s.user_id = o.user_id WHERE (o.seq IS NULL OR o.seq > coalesce(s.sent_seq, 0))`,
            )
          )[0].n === 0,
        3000,
        'rows marked sent',
      );
    } finally {
      await c.close();
      restartRelay(a);
      restartRelay(b);
    }
  });

  it("two relays working at once never duplicate or reorder a user's events", async () => {
    const users = await Promise.all([a.user('company'), a.user('influencer')]);
    const onA = await open(a, users[0].token);
    const onB = await open(b, users[1].token);
    const N = 80;
    await Promise.all(
      Array.from({ length: N }, (_, i) =>
        appendCommitted(i % 2 ? a : b, [
          { userId: users[0].id, payload: payment('HELD', { i }) },
          { userId: users[1].id, payload: payment('HELD', { i }) },
        ]),
      ),
    );
    await eventually(() => onA.received.length >= N && onB.received.length >= N, 10_000, 'all events');
    await sleep(300);
    const expected = Array.from({ length: N }, (_, i) => i + 1);
    expect(onA.seqs()).toEqual(expected);
    expect(onB.seqs()).toEqual(expected);
  });
});

/** Re-attaches a stopped relay to the instance's namespace, as the gateway does at start-up. */
function restartRelay(ctx: TestContext): void {
  ctx.app.get(RealtimeGateway).startRelay();
}
