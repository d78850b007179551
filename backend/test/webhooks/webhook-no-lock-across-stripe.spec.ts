import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import { QUEUES } from '../../src/common/queue/queue.module';
import { WebhookMaintenanceService } from '../../src/modules/webhooks/webhook-maintenance.service';
import { expectLedgerClean, payWith, proposeAndAccept } from '../support/flows';
import { StripeLockGuard } from '../support/stripe-lock-guard';
import { createTestContext, eventually, TestContext, TestUser } from '../support/test-app';

/**
 * The webhook processor reads Stripe in each handler's `prepare`, before its transaction: no Stripe call while the
 * event's inbox row (or any business row) is locked. One event at a time (WEBHOOK_CONCURRENCY=1), so every lock the
 * guard sees belongs to the processing that is calling Stripe.
 */
describe('webhooks: no Stripe call while a row lock is held', () => {
  let ctx: TestContext;
  let company: TestUser;
  let influencer: TestUser;
  let guard: StripeLockGuard;

  beforeAll(async () => {
    ctx = await createTestContext({ label: 'webhooks-nolock', env: { WEBHOOK_CONCURRENCY: '1' } });
    [company, influencer] = await Promise.all([ctx.user('company', 'Acme'), ctx.user('influencer', 'Ava')]);
    // the webhook endpoint storing an incoming event is not the processing under test
    guard = await StripeLockGuard.attach(ctx, ['webhook_events (RowExclusiveLock)']);
  });
  afterAll(async () => {
    ctx?.emulator.setDeliveryPaused(false);
    await guard?.detach();
    await ctx?.close();
  });

  const post = (path: string, body: unknown = {}) => ctx.http.post(path, body, { token: company.token });
  const drained = () =>
    eventually(async () => (await ctx.db.query(`SELECT 1 FROM webhook_events WHERE status = 'RECEIVED'`)).length === 0, 20_000, 'events processed');

  it('payment, refund, saved card, retainer and one-time invoice events are applied with every Stripe read outside the transaction', async () => {
    ctx.emulator.setDeliveryPaused(true);
    // a card payment and a refund
    const { collaboration, paymentId } = await proposeAndAccept(ctx, company, influencer, { amount: 20000 });
    await payWith(ctx, company, collaboration.id);
    expect((await post(`/api/payments/${paymentId}/refund`, { amount: 5000 })).status).toBe(200);
    // a saved card (setup_intent.succeeded) and a retainer (subscription and invoice events)
    const si = await post('/api/billing/setup-intent');
    const card = (await ctx.stripe.setupIntents.confirm(si.body.setupIntentId, { payment_method: 'pm_card_visa' })).payment_method as string;
    const monthly = await post('/api/collaborations', { influencerId: influencer.id, title: 'Monthly', amount: 30000, currency: 'usd', billing: 'monthly' });
    await ctx.http.post(`/api/collaborations/${monthly.body.id}/accept`, {}, { token: influencer.token });
    expect((await post('/api/retainers', { collaborationId: monthly.body.id, paymentMethodId: card })).status).toBe(201);
    // a one-time invoice, paid at Stripe
    const once = await proposeAndAccept(ctx, company, influencer, { amount: 15000 });
    const invoice = await post('/api/invoices', { collaborationId: once.collaboration.id });
    expect(invoice.status).toBe(201);
    await ctx.stripe.invoices.pay(invoice.body.stripeInvoiceId, { payment_method: 'pm_card_visa' });

    // the paused deliveries are lost: the events are pulled from Stripe, with the queue paused meanwhile
    const queue = ctx.app.get<Queue>(getQueueToken(QUEUES.webhooks));
    await queue.pause(true);
    const pulled = await ctx.app.get(WebhookMaintenanceService).reconcile({});
    expect(pulled.inserted).toBeGreaterThan(10);
    guard.clear();
    await queue.resume(true);
    await drained();
    const reads = guard.calls.map((c) => c.request);
    expect(reads.some((r) => r.startsWith('GET /v1/invoices/in_'))).toBe(true);
    expect(reads.some((r) => r.startsWith('GET /v1/subscriptions/sub_'))).toBe(true);
    expect(reads.some((r) => r.startsWith('GET /v1/payment_intents/pi_'))).toBe(true);
    expect(guard.violations()).toEqual([]);
    const [{ n }] = await ctx.db.query(`SELECT count(*)::int AS n FROM webhook_events WHERE status = 'FAILED'`);
    expect(n).toBe(0);
    expect((await ctx.http.get(`/api/payments/${once.paymentId}`, { token: company.token })).body.status).toBe('HELD');
    await expectLedgerClean(ctx);
  });
});
