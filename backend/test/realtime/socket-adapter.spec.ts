import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { OutboxRelay } from '../../src/modules/realtime/outbox-relay.service';
import { RealtimeGateway } from '../../src/modules/realtime/realtime.gateway';
import { TEST_REDIS_URL } from '../support/env';
import { createTestContext, eventually, TestContext } from '../support/test-app';
import { appendCommitted, connectClient, TestClient } from './realtime-helpers';

const roomChannel = (ctx: TestContext, userId: string) => `${ctx.config.queuePrefix}:socket.io#/payments#user:${userId}#`;

/** Two instances per adapter mode (SOCKET_ADAPTER), sharing PostgreSQL and Redis. */
describe.each(['sharded', 'classic'] as const)('Socket.io adapter %s', (mode) => {
  let a: TestContext;
  let b: TestContext;
  let redis: Redis;
  const clients: TestClient[] = [];
  const open = async (ctx: TestContext, token: string) => {
    const c = await connectClient(ctx.baseUrl, token);
    clients.push(c);
    return c;
  };
  const subscribers = async (ctx: TestContext, userId: string) => {
    const [, n] = (await redis.call('PUBSUB', 'SHARDNUMSUB', roomChannel(ctx, userId))) as [string, number];
    return Number(n);
  };

  beforeAll(async () => {
    a = await createTestContext({ label: `ad-${mode}-a`, env: { SOCKET_ADAPTER: mode } });
    b = await createTestContext({
      label: `ad-${mode}-b`,
      databaseUrl: a.databaseUrl,
      sharedEmulator: a.emulator,
      queuePrefix: a.config.queuePrefix,
      env: { SOCKET_ADAPTER: mode },
    });
    redis = new Redis(TEST_REDIS_URL);
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
  });
  afterAll(async () => {
    redis?.disconnect();
    await b?.close();
    await a?.close();
  });

  it('carries an event relayed by one instance to a client on the other', async () => {
    const u = await a.user('company');
    const onA = await open(a, u.token);
    await a.app.get(OutboxRelay).stop(); // only B relays
    try {
      await appendCommitted(b, [{ userId: u.id, payload: { paymentId: randomUUID(), status: 'HELD' } }]);
      await eventually(() => onA.received.length === 1, 8_000, 'the event on A');
      expect(onA.received[0].data).toMatchObject({ status: 'HELD', seq: 1 });
    } finally {
      b.app.get(RealtimeGateway).startRelay();
      a.app.get(RealtimeGateway).startRelay();
    }
  });

  it(
    mode === 'sharded'
      ? "subscribes an instance only to the rooms of its own sockets' users (an emit reaches only those instances)"
      : 'uses no per-room channels',
    async () => {
      const [x, y] = await Promise.all([a.user('company'), a.user('influencer')]);
      await open(a, x.token);
      await open(a, y.token);
      await open(b, y.token);
      if (mode === 'classic') {
        expect(await subscribers(a, x.id)).toBe(0);
        return;
      }
      await eventually(async () => (await subscribers(a, x.id)) === 1 && (await subscribers(a, y.id)) === 2, 5_000, 'room subscriptions');
      // a user with no socket anywhere: an emit to their room is published to a channel nobody listens to
      expect(await subscribers(a, randomUUID())).toBe(0);
      for (const c of clients.splice(0)) c.close();
      await eventually(async () => (await subscribers(a, x.id)) === 0 && (await subscribers(a, y.id)) === 0, 5_000, 'unsubscribed when the last socket left');
    },
  );
});
