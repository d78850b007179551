import type Stripe from 'stripe';
import { BillingWebhooksHandler } from '../../src/modules/billing/billing-webhooks.handler';
import { Accounts } from '../../src/modules/ledger/domain/accounts';
import { balance, expectLedgerClean } from '../support/flows';
import { createTestContext, eventually, TestContext, TestUser } from '../support/test-app';

const DAY = 86400_000;

/**
 * Monthly retainers are Stripe subscriptions: renewals come from the emulator (`advanceSubscription` / the
 * advance_period control endpoint) and reach CollabPay only as webhooks.
 */
describe('monthly retainers (real Postgres, Redis, webhooks and the Stripe emulator via the SDK)', () => {
  let ctx: TestContext;
  let company: TestUser;
  let influencer: TestUser;

  beforeAll(async () => {
    ctx = await createTestContext({ label: 'billing-retainers' });
    company = await ctx.user('company', 'Acme');
    influencer = await ctx.user('influencer', 'Ava');
  });
  afterAll(() => ctx?.close());

  async function saveCard(user: TestUser, pm: string) {
    const res = await ctx.http.post('/api/billing/setup-intent', {}, { token: user.token });
    const si = await ctx.stripe.setupIntents.confirm(res.body.setupIntentId, { payment_method: pm });
    return si.payment_method as string;
  }
  async function monthly(amount: number) {
    const res = await ctx.http.post(
      '/api/collaborations',
      { influencerId: influencer.id, title: 'Monthly content', amount, currency: 'usd', billing: 'monthly' },
      { token: company.token },
    );
    expect(res.status).toBe(201);
    expect(res.body.billing).toBe('monthly');
    const accept = await ctx.http.post(`/api/collaborations/${res.body.id}/accept`, {}, { token: influencer.token });
    expect(accept.status).toBe(200);
    return res.body.id as string;
  }
  const retainer = (id: string) => ctx.http.get(`/api/retainers/${id}`, { token: company.token }).then((r) => r.body);
  const periodsOf = (r: any) => r.periods.map((p: any) => [p.periodIndex, p.status, p.invoiceStatus]);
  /** waits (webhooks) until the retainer's periods are exactly `expected` */
  const periodsBecome = (id: string, expected: unknown[]) =>
    eventually(
      async () => {
        const r = await retainer(id);
        return JSON.stringify(periodsOf(r)) === JSON.stringify(expected) && r;
      },
      10_000,
      `periods ${JSON.stringify(expected)}`,
    );
  const paymentsOf = (collaborationId: string) =>
    ctx.db.query(`SELECT period_index AS "periodIndex", status FROM payments WHERE collaboration_id = $1 ORDER BY period_index`, [collaborationId]);
  const failedNotifications = (paymentId: string) =>
    ctx.db.query(
      `SELECT payload FROM outbox_events WHERE user_id = $1 AND event = 'payment:update' AND payload->>'paymentId' = $2 AND payload->>'status' = 'FAILED'`,
      [company.id, paymentId],
    );

  it('bills month after month through the subscription; each paid month is HELD and released separately; cancel ends it at period end', async () => {
    const card = await saveCard(company, 'pm_card_visa');
    const collaborationId = await monthly(100000);
    // never by card intent or one-off invoice
    const intent = await ctx.http.post('/api/payments/create-intent', { collaborationId }, { token: company.token });
    expect(intent.status).toBe(409);
    expect(intent.body.code).toBe('PAYMENT_BY_SUBSCRIPTION');
    expect((await ctx.http.post('/api/invoices', { collaborationId }, { token: company.token })).body.code).toBe('PAYMENT_BY_SUBSCRIPTION');

    const started = await ctx.http.post('/api/retainers', { collaborationId, paymentMethodId: card }, { token: company.token });
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({
      collaborationId,
      status: 'active',
      amount: 100000,
      currency: 'usd',
      interval: 'month',
      cancelAtPeriodEnd: false,
      defaultPaymentMethodId: card,
    });
    expect(started.body.periods).toHaveLength(1);
    expect(started.body.periods[0]).toMatchObject({ periodIndex: 0, status: 'HELD', invoiceStatus: 'paid' });
    const id = started.body.id;
    const subId = started.body.stripeSubscriptionId as string;
    expect(subId).toMatch(/^sub_/);
    // starting again returns the same retainer (one subscription per collaboration)
    const again0 = await ctx.http.post('/api/retainers', { collaborationId, paymentMethodId: card }, { token: company.token });
    expect(again0.body).toMatchObject({ id, stripeSubscriptionId: subId });

    // the subscription is Stripe's: the amount per month, the card, CollabPay's metadata
    const sub = await ctx.stripe.subscriptions.retrieve(subId);
    expect(sub).toMatchObject({
      status: 'active',
      default_payment_method: card,
      metadata: { kind: 'retainer', retainer_id: id, collaboration_id: collaborationId },
    });
    expect(sub.items.data[0].price).toMatchObject({ unit_amount: 100000, currency: 'usd', recurring: { interval: 'month' } });
    expect(new Date(started.body.currentPeriodEnd).getTime()).toBe(sub.items.data[0].current_period_end * 1000);

    // two renewals: one through the SDK helper, one through the control endpoint
    const first = await ctx.emulator.advanceSubscription(subId);
    expect(first.invoice?.billing_reason).toBe('subscription_cycle');
    await periodsBecome(id, [
      [0, 'HELD', 'paid'],
      [1, 'HELD', 'paid'],
    ]);
    const advanced = await fetch(`${ctx.emulator.url}/_emulator/subscriptions/${subId}/advance_period`, { method: 'POST' });
    expect(advanced.status).toBe(200);
    const r = await periodsBecome(id, [
      [0, 'HELD', 'paid'],
      [1, 'HELD', 'paid'],
      [2, 'HELD', 'paid'],
    ]);
    // the retainer follows the subscription's current period
    const renewed = await ctx.stripe.subscriptions.retrieve(subId);
    await eventually(
      async () => new Date((await retainer(id)).currentPeriodStart).getTime() === renewed.items.data[0].current_period_start * 1000,
      5000,
      'period moved',
    );
    const [p0, p1, p2] = r.periods.map((p: any) => p.paymentId);
    for (const p of [p0, p1, p2]) expect(await balance(ctx, Accounts.escrow(p))).toBe(100000);
    const invoices = await ctx.http.get(`/api/invoices?collaborationId=${collaborationId}`, { token: influencer.token });
    expect(invoices.body.data).toHaveLength(3);
    expect(invoices.body.data.every((i: any) => i.kind === 'retainer' && i.status === 'paid' && i.retainerId === id)).toBe(true);
    expect(invoices.body.data.map((i: any) => i.periodIndex).sort()).toEqual([0, 1, 2]);
    await expectLedgerClean(ctx);

    // release month 2 (index 1) first, then month 1: each on its own
    const rel1 = await ctx.http.post(`/api/retainers/${id}/periods/1/release`, {}, { token: company.token });
    expect(rel1.status).toBe(200);
    expect(rel1.body).toMatchObject({ id: p1, status: 'RELEASED', amountReleased: 100000 });
    expect(await balance(ctx, Accounts.walletAvailable(influencer.id))).toBe(90000);
    expect(await balance(ctx, Accounts.escrow(p0))).toBe(100000);
    const rel0 = await ctx.http.post(`/api/retainers/${id}/periods/0/release`, {}, { token: company.token });
    expect(rel0.body).toMatchObject({ id: p0, status: 'RELEASED' });
    expect(await balance(ctx, Accounts.walletAvailable(influencer.id))).toBe(180000);
    expect(await balance(ctx, Accounts.escrow(p2))).toBe(100000);
    const again = await ctx.http.post(`/api/retainers/${id}/periods/1/release`, {}, { token: company.token });
    expect(again.status).toBe(409);
    expect((await ctx.http.get(`/api/collaborations/${collaborationId}`, { token: company.token })).body.status).toBe('ACTIVE');
    expect((await ctx.http.post(`/api/retainers/${id}/periods/7/release`, {}, { token: company.token })).status).toBe(404);
    expect((await ctx.http.post(`/api/retainers/${id}/periods/1/release`, {}, { token: influencer.token })).status).toBe(403);
    await expectLedgerClean(ctx);

    // cancel at period end (and undo, and again): Stripe's subscription carries the flag; the current month stays
    const canceled = await ctx.http.post(`/api/retainers/${id}/cancel`, {}, { token: company.token });
    expect(canceled.status).toBe(200);
    expect(canceled.body).toMatchObject({ status: 'active', cancelAtPeriodEnd: true });
    expect((await ctx.stripe.subscriptions.retrieve(subId)).cancel_at_period_end).toBe(true);
    const resumed = await ctx.http.post(`/api/retainers/${id}/resume`, {}, { token: company.token });
    expect(resumed.body).toMatchObject({ status: 'active', cancelAtPeriodEnd: false });
    expect((await ctx.stripe.subscriptions.retrieve(subId)).cancel_at_period_end).toBe(false);
    expect((await ctx.http.post(`/api/retainers/${id}/cancel`, {}, { token: company.token })).body.cancelAtPeriodEnd).toBe(true);

    // the period ends: the subscription is deleted, no invoice; the retainer ends with it (customer.subscription.deleted)
    const end = await ctx.emulator.advanceSubscription(subId);
    expect(end.invoice).toBeNull();
    expect(end.subscription.status).toBe('canceled');
    const ended = await eventually(
      async () => {
        const x = await retainer(id);
        return x.status === 'canceled' && x;
      },
      10_000,
      'retainer canceled',
    );
    expect(ended.canceledAt).toEqual(expect.any(String));
    expect(ended.periods).toHaveLength(3);
    expect((await ctx.http.post(`/api/retainers/${id}/cancel`, {}, { token: company.token })).body.code).toBe('RETAINER_CANCELED');
    expect((await ctx.http.get(`/api/retainers`, { token: influencer.token })).body.data.map((x: any) => x.id)).toContain(id);
    // month 3 (index 2) is still held and can still be released
    expect((await ctx.http.post(`/api/retainers/${id}/periods/2/release`, {}, { token: company.token })).body).toMatchObject({ id: p2, status: 'RELEASED' });
    await expectLedgerClean(ctx);
  });

  it('a renewal with a declined card marks that month FAILED, tells the company live once (not again on Stripe retries), and a retry with another card pays it', async () => {
    const good = await saveCard(company, 'pm_card_mastercard');
    const collaborationId = await monthly(50000);
    const started = await ctx.http.post('/api/retainers', { collaborationId, paymentMethodId: good }, { token: company.token });
    expect(started.body.periods[0].status).toBe('HELD');
    const id = started.body.id;
    const subId = started.body.stripeSubscriptionId;

    const failing = await saveCard(company, 'pm_card_chargeCustomerFail'); // attaches, every charge is declined
    const changed = await ctx.http.post(`/api/retainers/${id}/payment-method`, { paymentMethodId: failing }, { token: company.token });
    expect(changed.body.defaultPaymentMethodId).toBe(failing);
    expect((await ctx.stripe.subscriptions.retrieve(subId)).default_payment_method).toBe(failing);

    const renewal = await ctx.emulator.advanceSubscription(subId);
    expect(renewal.invoice?.status).toBe('open');
    const r = await eventually(
      async () => {
        const x = await retainer(id);
        return x.status === 'past_due' && x.periods[1]?.status === 'FAILED' && x;
      },
      10_000,
      'month 2 FAILED, retainer past_due',
    );
    expect(r.periods[1]).toMatchObject({ periodIndex: 1, status: 'FAILED', invoiceStatus: 'open' });
    expect(r.periods[1].failureMessage).toMatch(/declined/i);
    // the company is told live (outbox → socket)
    const rows = await eventually(
      async () => {
        const x = await failedNotifications(r.periods[1].paymentId);
        return x.length && x;
      },
      5000,
      'FAILED notification',
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].payload.message).toMatch(/month 2.*failed/i);

    // Stripe retries the invoice 3 days later: declined again, another invoice.payment_failed — the company is not told twice
    await ctx.emulator.advanceTime(3 * DAY + 1000);
    await ctx.emulator.flushWebhooks();
    await eventually(
      async () => {
        const [{ n }] = await ctx.db.query(
          `SELECT count(*)::int AS n FROM webhook_events WHERE type = 'invoice.payment_failed' AND payload->'data'->'object'->>'id' = $1 AND status IN ('PROCESSED','IGNORED')`,
          [renewal.invoice!.id],
        );
        return n >= 2;
      },
      10_000,
      'the retry failure processed',
    );
    expect((await ctx.stripe.invoices.retrieve(renewal.invoice!.id)).attempt_count).toBe(2);
    expect(await failedNotifications(r.periods[1].paymentId)).toHaveLength(1);
    expect((await retainer(id)).periods[1].status).toBe('FAILED');

    const retried = await ctx.http.post(`/api/retainers/${id}/retry`, { paymentMethodId: good }, { token: company.token });
    expect(retried.status).toBe(200);
    expect(retried.body.status).toBe('active');
    expect(retried.body.defaultPaymentMethodId).toBe(good);
    expect(retried.body.periods[1]).toMatchObject({ status: 'HELD', invoiceStatus: 'paid' });
    expect(await balance(ctx, Accounts.escrow(r.periods[1].paymentId))).toBe(50000);
    await ctx.emulator.flushWebhooks();
    expect((await ctx.http.post(`/api/retainers/${id}/retry`, {}, { token: company.token })).body.code).toBe('NOTHING_TO_RETRY');

    // the next month is charged to the new card
    await ctx.emulator.advanceSubscription(subId);
    await periodsBecome(id, [
      [0, 'HELD', 'paid'],
      [1, 'HELD', 'paid'],
      [2, 'HELD', 'paid'],
    ]);
    expect(await failedNotifications(r.periods[1].paymentId)).toHaveLength(1);
    await expectLedgerClean(ctx);
  });

  it('when every retry of a renewal is declined, Stripe cancels the subscription and the retainer ends', async () => {
    const failing = await saveCard(company, 'pm_card_chargeCustomerFail');
    const good = await saveCard(company, 'pm_card_visa');
    const collaborationId = await monthly(30000);
    const started = await ctx.http.post('/api/retainers', { collaborationId, paymentMethodId: good }, { token: company.token });
    const { id, stripeSubscriptionId: subId } = started.body;
    await ctx.http.post(`/api/retainers/${id}/payment-method`, { paymentMethodId: failing }, { token: company.token });
    await ctx.emulator.advanceSubscription(subId);
    for (const days of [3, 5, 7]) await ctx.emulator.advanceTime(days * DAY + 1000);
    expect((await ctx.stripe.subscriptions.retrieve(subId)).status).toBe('canceled');
    await ctx.emulator.flushWebhooks();
    const ended = await eventually(
      async () => {
        const x = await retainer(id);
        return x.status === 'canceled' && x.periods.length === 2 && x.periods[1].status === 'FAILED' && x;
      },
      10_000,
      'retainer canceled after the retries',
    );
    expect(periodsOf(ended)).toEqual([
      [0, 'HELD', 'paid'],
      [1, 'FAILED', 'open'],
    ]);
    expect((await ctx.stripe.invoices.retrieve((await ctx.stripe.subscriptions.retrieve(subId)).latest_invoice as string)).attempt_count).toBe(4);
    await eventually(
      async () => {
        const [{ n }] = await ctx.db.query(
          `SELECT count(*)::int AS n FROM webhook_events WHERE type = 'invoice.payment_failed' AND status IN ('PROCESSED','IGNORED')
        AND payload->'data'->'object'->'parent'->'subscription_details'->>'subscription' = $1`,
          [subId],
        );
        return n === 4;
      },
      10_000,
      'four failures processed',
    );
    expect(await failedNotifications(ended.periods[1].paymentId)).toHaveLength(1);
    await expectLedgerClean(ctx);
  });

  it('duplicate, reordered and replayed invoice events never create a second payment for a period', async () => {
    const card = await saveCard(company, 'pm_card_visa');
    const collaborationId = await monthly(20000);
    ctx.emulator.setChaos({ duplicate: true, reorder: true });
    try {
      const started = await ctx.http.post('/api/retainers', { collaborationId, paymentMethodId: card }, { token: company.token });
      expect(started.status).toBe(201);
      const { id, stripeSubscriptionId: subId } = started.body;
      await ctx.emulator.advanceSubscription(subId);
      await ctx.emulator.advanceSubscription(subId);
      await ctx.emulator.flushWebhooks();
      await periodsBecome(id, [
        [0, 'HELD', 'paid'],
        [1, 'HELD', 'paid'],
        [2, 'HELD', 'paid'],
      ]);

      // every invoice event of this subscription, applied again through the handler, newest first
      const events: Stripe.Event[] = (
        await ctx.db.query(
          `SELECT payload FROM webhook_events WHERE type LIKE 'invoice.%' AND payload->'data'->'object'->'parent'->'subscription_details'->>'subscription' = $1 ORDER BY stripe_created_at DESC, id DESC`,
          [subId],
        )
      ).map((x: { payload: Stripe.Event }) => x.payload);
      expect(events.filter((e) => e.type === 'invoice.paid')).toHaveLength(3);
      const handler = ctx.app.get(BillingWebhooksHandler);
      for (const e of [...events, ...events]) await ctx.db.transaction((em) => handler.onInvoice(e, em));

      expect(await paymentsOf(collaborationId)).toEqual([
        { periodIndex: 0, status: 'HELD' },
        { periodIndex: 1, status: 'HELD' },
        { periodIndex: 2, status: 'HELD' },
      ]);
      const r = await retainer(id);
      for (const p of r.periods) expect(await balance(ctx, Accounts.escrow(p.paymentId))).toBe(20000);
      const [{ n }] = await ctx.db.query(`SELECT count(*)::int AS n FROM invoices WHERE retainer_id = $1`, [id]);
      expect(n).toBe(3);
      await expectLedgerClean(ctx);
    } finally {
      ctx.emulator.setChaos({ duplicate: false, reorder: false });
    }
  });
});
