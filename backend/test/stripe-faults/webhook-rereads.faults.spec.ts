import type Stripe from 'stripe';
import { Accounts } from '../../src/modules/ledger/domain/accounts';
import { balance, payWith, proposeAndAccept } from '../support/flows';
import { createTestContext, eventually, TestContext, TestUser } from '../support/test-app';
import { earn, onboard, PAYOUT_DELAYS, payoutStatus, settlePayouts } from '../wallet/support';
import { deliver, makeEvent } from '../webhooks/support/events';
import { T } from './call-sites';
import { expectFaultsSpent, expectLedgerCheckClean, fault, sdkAttempts } from './support';

/** The webhook handlers' own re-reads of Stripe (taken before any money moves) under 500s and connection resets. */
describe('Stripe fault injection: webhook re-reads (real Postgres, Redis, webhooks and the emulator via the SDK)', () => {
  let ctx: TestContext;
  let company: TestUser;
  let admin: TestUser;

  beforeAll(async () => {
    ctx = await createTestContext({
      label: 'faults-rereads',
      env: { PAYOUT_RECONCILE_INTERVAL_MS: '0', WEBHOOK_BACKOFF_MS: '50', WEBHOOK_MAX_ATTEMPTS: '6' },
      emulator: { delays: PAYOUT_DELAYS },
    });
    company = await ctx.user('company', 'Acme');
    admin = await ctx.user('admin');
  });
  afterEach(() => ctx.emulator.faults.clear());
  afterAll(() => ctx?.close());

  const inboxRow = (id: string) => ctx.db.query(`SELECT status, attempts FROM webhook_events WHERE id = $1`, [id]).then((r) => r[0]);

  it(T.webhookRereads, async () => {
    // 1. a refund made in the Dashboard: charge.refunded is applied from the re-read charge, whose first reads fail
    const influencer = await ctx.user('influencer', 'Ivy');
    const { collaboration, paymentId } = await proposeAndAccept(ctx, company, influencer, { amount: 20000 });
    const paid = await payWith(ctx, company, collaboration.id);
    expect(paid.payment.status).toBe('HELD');
    const pi = await ctx.stripe.paymentIntents.retrieve(paid.piId as string);
    const chargeId = pi.latest_charge as string;
    fault(ctx, { method: 'GET', path: `^/v1/charges/${chargeId}$`, mode: 'error_before', times: sdkAttempts(ctx) });
    fault(ctx, { method: 'GET', path: `^/v1/charges/${chargeId}$`, mode: 'reset_before', times: sdkAttempts(ctx) });
    await ctx.stripe.refunds.create({ payment_intent: pi.id, amount: 5000 });
    await eventually(
      async () => Number((await ctx.db.query(`SELECT amount_refunded FROM payments WHERE id = $1`, [paymentId]))[0].amount_refunded) === 5000,
      20_000,
    );
    expectFaultsSpent(ctx);
    const [refundEvent] = (await ctx.stripe.events.list({ type: 'charge.refunded', limit: 10 })).data.filter(
      (e) => (e.data.object as Stripe.Charge).id === chargeId,
    );
    expect(await eventually(async () => (await inboxRow(refundEvent.id))?.status === 'PROCESSED' && inboxRow(refundEvent.id))).toMatchObject({
      attempts: 3,
    });
    expect(await balance(ctx, Accounts.escrow(paymentId))).toBe(15000);

    // 2. a payout.failed for a payout Stripe says is paid: the re-read fails first, the event is retried, nothing moves
    const ines = await ctx.user('influencer', 'Ines');
    const accountId = await onboard(ctx, ines);
    await earn(ctx, company, ines, 30000);
    const res = await ctx.http.post('/api/wallet/payout', { amount: 20000, currency: 'usd' }, { token: ines.token });
    expect(res.status).toBe(201);
    await settlePayouts(ctx);
    await eventually(async () => (await payoutStatus(ctx, ines, res.body.id)).status === 'COMPLETED', 10_000, 'payout COMPLETED');
    const [po] = (await ctx.stripe.payouts.list({ limit: 10 }, { stripeAccount: accountId })).data;
    const walletBefore = await balance(ctx, Accounts.walletAvailable(ines.id));
    fault(ctx, { method: 'GET', path: `^/v1/payouts/${po.id}$`, mode: 'error_before', times: sdkAttempts(ctx) });
    const ev = makeEvent('payout.failed', { ...po, status: 'failed', failure_code: 'account_closed' }, { account: accountId });
    expect((await deliver(ctx, ev, { secret: ctx.config.stripe.connectWebhookSecret })).status).toBe(200);
    const row = await eventually(async () => {
      const r = await inboxRow(ev.id);
      return r && r.status !== 'RECEIVED' && r.attempts >= 2 && r;
    }, 20_000);
    expect(row.status).not.toBe('FAILED');
    expectFaultsSpent(ctx);
    expect(await payoutStatus(ctx, ines, res.body.id)).toMatchObject({ status: 'COMPLETED' });
    expect(await balance(ctx, Accounts.walletAvailable(ines.id))).toBe(walletBefore);
    await expectLedgerCheckClean(ctx, admin);
  });
  it(T.batchIntentRead, async () => {
    const influencer = await ctx.user('influencer', 'Bo');
    const { collaboration, paymentId } = await proposeAndAccept(ctx, company, influencer, { amount: 12000 });
    const intent = await ctx.http.post('/api/payments/create-intent', { collaborationId: collaboration.id }, { token: company.token });
    expect(intent.status).toBe(201);
    const piId = intent.body.payment.stripePaymentIntentId as string;
    // only the webhook funds it (no /confirm call): its re-read of the intent meets a 500 on every SDK attempt, then resets
    fault(ctx, { method: 'GET', path: `^/v1/payment_intents/${piId}$`, mode: 'error_before', times: sdkAttempts(ctx) });
    fault(ctx, { method: 'GET', path: `^/v1/payment_intents/${piId}$`, mode: 'reset_before', times: sdkAttempts(ctx) });
    await ctx.stripe.paymentIntents.confirm(piId, { payment_method: 'pm_card_visa', return_url: 'http://localhost/return' });
    await eventually(async () => (await ctx.db.query(`SELECT status FROM payments WHERE id = $1`, [paymentId]))[0].status === 'HELD', 20_000, 'payment HELD');
    expectFaultsSpent(ctx);
    const [succeeded] = (await ctx.stripe.events.list({ type: 'payment_intent.succeeded', limit: 20 })).data.filter(
      (e) => (e.data.object as Stripe.PaymentIntent).id === piId,
    );
    expect(await eventually(async () => (await inboxRow(succeeded.id))?.status === 'PROCESSED')).toBe(true);
    const held = await ctx.db.query(`SELECT count(*)::int AS n FROM journal_entries WHERE type = 'payment_held' AND reference_id = $1`, [paymentId]);
    expect(held[0].n).toBe(1);
    expect(await balance(ctx, Accounts.escrow(paymentId))).toBe(12000);
    await expectLedgerCheckClean(ctx, admin);
  });
});
