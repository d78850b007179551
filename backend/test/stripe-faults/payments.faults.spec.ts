import type Stripe from 'stripe';
import { RefundsService } from '../../src/modules/payments/refunds/refunds.service';
import { WebhookMaintenanceService } from '../../src/modules/webhooks/webhook-maintenance.service';
import { payWith, proposeAndAccept } from '../support/flows';
import { createTestContext, eventually, TestContext, TestUser } from '../support/test-app';
import { T } from './call-sites';
import { byMetadata, expectFaultsSpent, expectLedgerCheckClean, expectOwnKeys, fault, loseEveryAttempt, sdkAttempts, StripeWire } from './support';

describe('Stripe fault injection: payments (real Postgres, Redis, webhooks and the emulator via the SDK)', () => {
  let ctx: TestContext;
  let company: TestUser;
  let influencer: TestUser;
  let admin: TestUser;
  let wire: StripeWire;

  beforeAll(async () => {
    ctx = await createTestContext({ label: 'faults-payments' });
    company = await ctx.user('company', 'Acme');
    influencer = await ctx.user('influencer', 'Ava');
    admin = await ctx.user('admin');
    wire = StripeWire.of(ctx);
  });
  afterEach(() => {
    ctx.emulator.setDeliveryPaused(false);
    ctx.emulator.faults.clear();
    wire.clear();
  });
  afterAll(async () => {
    wire?.detach();
    await ctx?.close();
  });

  const intentsOf = async (paymentId: string) =>
    (await ctx.stripe.paymentIntents.list({ limit: 100 }).autoPagingToArray({ limit: 10_000 })).filter(byMetadata('payment_id', paymentId));
  const paymentRow = async (id: string) => (await ctx.db.query(`SELECT status, amount_refunded FROM payments WHERE id = $1`, [id]))[0];

  it(T.piCreate, async () => {
    const proposed = await ctx.http.post(
      '/api/collaborations',
      { influencerId: influencer.id, title: 'Lost answers', amount: 40000, currency: 'usd' },
      { token: company.token },
    );
    expect(proposed.status).toBe(201);
    loseEveryAttempt(ctx, 'POST', '^/v1/payment_intents$');
    // accepting creates the intent: Stripe does, but every answer is lost
    const accepted = await ctx.http.post(`/api/collaborations/${proposed.body.id}/accept`, {}, { token: influencer.token });
    expect(accepted.status).toBe(502);
    expect(accepted.body.code).toBe('STRIPE_UNAVAILABLE');
    expectFaultsSpent(ctx);
    const [{ id: paymentId }] = await ctx.db.query(`SELECT id FROM payments WHERE collaboration_id = $1`, [proposed.body.id]);
    expect(await intentsOf(paymentId)).toHaveLength(1);

    // the company's create-intent repairs it with the same key: Stripe replays the intent it made
    const retry = await ctx.http.post('/api/payments/create-intent', { collaborationId: proposed.body.id }, { token: company.token });
    expect(retry.status).toBe(201);
    const onStripe = await intentsOf(paymentId);
    expect(onStripe.map((pi) => pi.id)).toEqual([retry.body.payment.stripePaymentIntentId]);
    const sent = wire.posts(/^\/v1\/payment_intents$/);
    expect(sent).toHaveLength(sdkAttempts(ctx) + 1);
    expectOwnKeys(sent, `collabpay-pi-${paymentId}`);
    expect(new Set(sent.map((r) => r.idempotencyKey)).size).toBe(1);

    await ctx.stripe.paymentIntents.confirm(onStripe[0].id, { payment_method: 'pm_card_visa', return_url: 'http://localhost/return' });
    const confirmed = await ctx.http.post(`/api/payments/${paymentId}/confirm`, {}, { token: company.token });
    expect(confirmed.body.status).toBe('HELD');
    await expectLedgerCheckClean(ctx, admin);
  });

  it(T.refund, async () => {
    const { collaboration, paymentId } = await proposeAndAccept(ctx, company, influencer, { amount: 30000 });
    const paid = await payWith(ctx, company, collaboration.id);
    expect(paid.payment.status).toBe('HELD');
    await ctx.emulator.flushWebhooks();
    const refundRows = () => ctx.db.query(`SELECT id, status, amount::int AS amount FROM refunds WHERE payment_id = $1 ORDER BY created_at`, [paymentId]);

    loseEveryAttempt(ctx, 'POST', '^/v1/refunds$');
    const headers = { 'Idempotency-Key': 'refund-1' };
    const first = await ctx.http.post(`/api/payments/${paymentId}/refund`, { amount: 10000 }, { token: company.token, headers });
    expect(first.status).toBe(502);
    expectFaultsSpent(ctx);
    // Stripe refunded; its charge.refunded is applied before the client comes back and leaves the reservation alone
    await ctx.emulator.flushWebhooks();
    await eventually(async () => (await ctx.db.query(`SELECT 1 FROM webhook_events WHERE type = 'charge.refunded' AND status <> 'RECEIVED'`)).length > 0);
    expect(await paymentRow(paymentId)).toEqual({ status: 'HELD', amount_refunded: 0 });
    const [reserved] = await refundRows();
    expect(reserved).toMatchObject({ status: 'PENDING', amount: 10000 });

    // the client's retry (same Idempotency-Key) resumes the reservation: same Stripe key, Stripe replays, booked once
    const retry = await ctx.http.post(`/api/payments/${paymentId}/refund`, { amount: 10000 }, { token: company.token, headers });
    expect(retry.status).toBe(200);
    expect(retry.body.amountRefunded).toBe(10000);
    expect((await ctx.stripe.refunds.list({ payment_intent: paid.piId, limit: 100 })).data.map((r) => r.amount)).toEqual([10000]);
    expectOwnKeys(wire.posts(/^\/v1\/refunds$/), `collabpay-refund-${reserved.id}`);
    expect(new Set(wire.posts(/^\/v1\/refunds$/).map((r) => r.idempotencyKey))).toEqual(new Set([`collabpay-refund-${reserved.id}`]));
    expect(await paymentRow(paymentId)).toEqual({ status: 'PARTIALLY_REFUNDED', amount_refunded: 10000 });

    // without a client key, a lost answer is found by reconciliation (a failed lookup first changes nothing)
    wire.clear();
    loseEveryAttempt(ctx, 'POST', '^/v1/refunds$');
    const second = await ctx.http.post(`/api/payments/${paymentId}/refund`, { amount: 5000 }, { token: company.token });
    expect(second.status).toBe(502);
    const refunds = ctx.app.get(RefundsService);
    fault(ctx, { method: 'GET', path: '^/v1/refunds', mode: 'error_before', times: sdkAttempts(ctx) });
    expect(await refunds.reconcile(0)).toEqual({ booked: 0, released: 0, failed: 1 });
    expectFaultsSpent(ctx);
    expect(await refunds.reconcile(0)).toEqual({ booked: 1, released: 0, failed: 0 });
    const keys = new Set(wire.posts(/^\/v1\/refunds$/).map((r) => r.idempotencyKey));
    expect(keys.size).toBe(1);
    expect([...keys][0]).toBe(`collabpay-refund-${(await refundRows())[1].id}`);
    await ctx.emulator.flushWebhooks();
    expect((await ctx.stripe.refunds.list({ payment_intent: paid.piId })).data.map((r) => r.amount).sort()).toEqual([10000, 5000]);
    const charge = await ctx.stripe.charges.retrieve((await ctx.stripe.paymentIntents.retrieve(paid.piId)).latest_charge as string);
    expect(charge.amount_refunded).toBe(15000);
    expect(await paymentRow(paymentId)).toEqual({ status: 'PARTIALLY_REFUNDED', amount_refunded: 15000 });
    expect((await refundRows()).map((r: { status: string }) => r.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    await expectLedgerCheckClean(ctx, admin);
  });

  it(T.paymentReads, async () => {
    const { collaboration, paymentId } = await proposeAndAccept(ctx, company, influencer, { amount: 20000 });
    const intent = await ctx.http.post('/api/payments/create-intent', { collaborationId: collaboration.id }, { token: company.token });
    const piId = intent.body.payment.stripePaymentIntentId as string;
    // the webhooks of this payment are lost; the server learns of it from its own reads
    ctx.emulator.setDeliveryPaused(true);
    try {
      await ctx.stripe.paymentIntents.confirm(piId, { payment_method: 'pm_card_visa', return_url: 'http://localhost/return' });
      fault(ctx, { method: 'GET', path: `^/v1/payment_intents/${piId}$`, mode: 'error_before', times: sdkAttempts(ctx) });
      const failed = await ctx.http.post(`/api/payments/${paymentId}/confirm`, {}, { token: company.token });
      expect(failed.status).toBe(502);
      expectFaultsSpent(ctx);
      expect((await paymentRow(paymentId)).status).toBe('PENDING');
      fault(ctx, { method: 'GET', path: `^/v1/payment_intents/${piId}$`, mode: 'reset_before', times: sdkAttempts(ctx) });
      expect((await ctx.http.post(`/api/payments/${paymentId}/confirm`, {}, { token: company.token })).status).toBe(502);
      expectFaultsSpent(ctx);
      expect((await paymentRow(paymentId)).status).toBe('PENDING');

      // reconciliation of missed events: failed listings are reported and retried, the watermark does not move
      const maintenance = ctx.app.get(WebhookMaintenanceService);
      fault(ctx, { method: 'GET', path: '^/v1/events$', mode: 'error_before', times: sdkAttempts(ctx) });
      fault(ctx, { method: 'GET', path: '^/v1/accounts$', mode: 'reset_before', times: sdkAttempts(ctx) });
      const broken = await maintenance.reconcile({});
      expect(broken.errors).toHaveLength(2);
      expect(broken.inserted).toBe(0);
      expectFaultsSpent(ctx);
    } finally {
      ctx.emulator.setDeliveryPaused(false);
    }
    // the webhook handler re-reads the intent; its first reads fail too, the event is retried
    fault(ctx, { method: 'GET', path: `^/v1/payment_intents/${piId}$`, mode: 'error_before', times: sdkAttempts(ctx) });
    const again = await ctx.app.get(WebhookMaintenanceService).reconcile({});
    expect(again.errors).toEqual([]);
    expect(again.inserted).toBeGreaterThan(0);
    await eventually(async () => (await paymentRow(paymentId)).status === 'HELD', 30_000, 'payment HELD from a reconciled event');
    expectFaultsSpent(ctx);
    const confirmed = await ctx.http.post(`/api/payments/${paymentId}/confirm`, {}, { token: company.token });
    expect(confirmed.body.status).toBe('HELD');
    await expectLedgerCheckClean(ctx, admin);
    const events: Stripe.Event[] = await ctx.stripe.events.list({ type: 'payment_intent.succeeded', limit: 100 }).autoPagingToArray({ limit: 1000 });
    expect(events.filter((e) => (e.data.object as Stripe.PaymentIntent).id === piId)).toHaveLength(1);
  });
});
