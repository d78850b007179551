import { proposeAndAccept } from '../support/flows';
import { createTestContext, eventually, TestContext } from '../support/test-app';
import { connectClient, TestClient } from './realtime-helpers';

/**
 * The whole path: the emulator's signed `payment_intent.succeeded` reaches instance A (which only ingests:
 * RUN_WORKER=false), instance B's queue worker applies it (payment HELD, outbox rows for both parties in the
 * same transaction), a relay emits, and the Redis adapter carries it to the party connected to A.
 */
describe('realtime: a webhook that moves a payment to HELD', () => {
  let a: TestContext;
  let b: TestContext;
  const clients: TestClient[] = [];

  beforeAll(async () => {
    a = await createTestContext({ label: 'rt-pay-a', env: { RUN_WORKER: 'false' } });
    b = await createTestContext({ label: 'rt-pay-b', databaseUrl: a.databaseUrl, sharedEmulator: a.emulator, queuePrefix: a.config.queuePrefix });
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await b?.close();
    await a?.close();
  });

  it('reaches both parties, connected to different instances, in seq order', async () => {
    const [company, influencer] = await Promise.all([a.user('company'), a.user('influencer')]);
    const { collaboration, paymentId } = await proposeAndAccept(a, company, influencer, { amount: 120_000 });
    const onA = await connectClient(a.baseUrl, company.token);
    const onB = await connectClient(b.baseUrl, influencer.token);
    clients.push(onA, onB);

    const intent = await a.http.post('/api/payments/create-intent', { collaborationId: collaboration.id }, { token: company.token });
    expect(intent.status).toBe(201);
    // pay as Stripe.js would; the server learns of it only through the webhook
    await a.stripe.paymentIntents.confirm(intent.body.payment.stripePaymentIntentId, { payment_method: 'pm_card_visa', return_url: 'http://localhost/return' });

    const held = (c: TestClient) => c.received.find((r) => r.event === 'payment:update' && r.data.paymentId === paymentId && r.data.status === 'HELD');
    await eventually(() => held(onA) && held(onB), 15_000, 'HELD on both clients');
    for (const c of [onA, onB]) {
      expect(held(c)!.data).toMatchObject({
        paymentId,
        collaborationId: collaboration.id,
        status: 'HELD',
        amount: 120_000,
        currency: 'usd',
        seq: expect.any(Number),
        timestamp: expect.any(String),
      });
      const seqs = c.seqs();
      expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
      expect(new Set(seqs).size).toBe(seqs.length);
    }
    const [ev] = await a.db.query(`SELECT status FROM webhook_events WHERE type = 'payment_intent.succeeded' AND payload::text LIKE $1`, [`%${paymentId}%`]);
    expect(ev?.status).toBe('PROCESSED');
    // a client that connects later gets the same events from sync (and the earlier "payment required" too)
    const late = await connectClient(a.baseUrl, influencer.token);
    clients.push(late);
    const count = await late.socket.emitWithAck('sync', { since: onB.received[0].data.seq - 1 });
    expect(count).toBe(onB.received.length);
    await eventually(() => late.received.length === count, 5000, 'replay');
    expect(late.received.map((r) => r.data)).toEqual(onB.received.map((r) => r.data));
  });
});
