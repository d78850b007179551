import Bull from 'bull';
import Stripe from 'stripe';
import { createPlainWebhookApp, PLAIN_QUEUE } from '../../bench/reference/plain-webhook-app';
import { TEST_REDIS_URL } from '../support/env';
import { HttpClient } from '../support/http';
import { makeEvent, sign } from './support/events';

/** The ingest bench compares against this app (bench/reference): it must really verify and really enqueue. */
describe('plain reference webhook app (bench/reference)', () => {
  const prefix = `cptest:${process.env.COLLABPAY_TEST_RUN_ID}:${process.pid}:plain-ref`;
  const secret = 'whsec_plain_' + Math.random().toString(36).slice(2);
  let app: Awaited<ReturnType<typeof createPlainWebhookApp>>;
  let http: HttpClient;
  let queue: Bull.Queue<Stripe.Event>;

  beforeAll(async () => {
    app = await createPlainWebhookApp({ redisUrl: TEST_REDIS_URL, queuePrefix: prefix, webhookSecret: secret });
    await app.listen(0, '127.0.0.1');
    http = new HttpClient(`http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`);
    queue = new Bull(PLAIN_QUEUE, TEST_REDIS_URL, { prefix });
  });
  afterAll(async () => {
    await queue?.obliterate({ force: true }).catch(() => undefined);
    await queue?.close();
    await app?.close();
  });

  const post = (payload: string, signature: string) =>
    http.request('POST', '/api/payments/webhook', undefined, { raw: payload, headers: { 'content-type': 'application/json', 'stripe-signature': signature } });

  it('verifies with constructEvent and adds one Bull job per event id (a redelivery adds none)', async () => {
    const ev = makeEvent('payment_intent.succeeded', { id: 'pi_ref' });
    for (let i = 0; i < 3; i++) {
      const r = await post(ev.payload, sign(ev.payload, secret));
      expect([r.status, r.body]).toEqual([200, { received: true }]);
    }
    const job = await queue.getJob(ev.id);
    expect(job?.data).toMatchObject({ id: ev.id, type: 'payment_intent.succeeded' });
    expect(await queue.getWaitingCount()).toBe(1);
  });

  it('refuses a bad signature (400) and enqueues nothing', async () => {
    const ev = makeEvent('payment_intent.succeeded', { id: 'pi_ref_bad' });
    const r = await post(ev.payload, sign(ev.payload, 'whsec_someone_else'));
    expect(r.status).toBe(400);
    expect(await queue.getJob(ev.id)).toBeNull();
  });
});
