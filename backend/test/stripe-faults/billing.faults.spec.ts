import type Stripe from 'stripe';
import { proposeAndAccept } from '../support/flows';
import { createTestContext, eventually, TestContext, TestUser } from '../support/test-app';
import { T } from './call-sites';
import { byMetadata, expectFaultsSpent, expectLedgerCheckClean, expectOwnKeys, fault, loseEveryAttempt, sdkAttempts, StripeWire } from './support';

describe('Stripe fault injection: billing (real Postgres, Redis, webhooks and the emulator via the SDK)', () => {
  let ctx: TestContext;
  let influencer: TestUser;
  let admin: TestUser;
  let wire: StripeWire;

  beforeAll(async () => {
    ctx = await createTestContext({ label: 'faults-billing' });
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

  const customerId = async (user: TestUser): Promise<string> =>
    (await ctx.db.query(`SELECT stripe_customer_id FROM billing_customers WHERE user_id = $1`, [user.id]))[0].stripe_customer_id;
  async function saveCard(user: TestUser, pm: string): Promise<string> {
    const res = await ctx.http.post('/api/billing/setup-intent', {}, { token: user.token });
    expect(res.status).toBe(201);
    const si = await ctx.stripe.setupIntents.confirm(res.body.setupIntentId, { payment_method: pm });
    return si.payment_method as string;
  }
  const eventsFor = async (type: string, id: string) =>
    (await ctx.stripe.events.list({ type, limit: 100 }).autoPagingToArray({ limit: 10_000 })).filter((e) => (e.data.object as { id: string }).id === id);
  /** every webhook delivered so far has been processed (so that no handler's read takes a fault meant for the API) */
  const webhooksSettled = async () => {
    await ctx.emulator.flushWebhooks();
    await eventually(
      async () => (await ctx.db.query(`SELECT count(*)::int AS n FROM webhook_events WHERE status NOT IN ('PROCESSED', 'IGNORED')`))[0].n === 0,
      30_000,
      'webhooks processed',
    );
  };
  const cards = async (user: TestUser) =>
    (await ctx.http.get('/api/billing/payment-methods', { token: user.token })).body.data as Array<{ id: string; isDefault: boolean }>;

  it(T.customer, async () => {
    const company = await ctx.user('company', 'Cust Co');
    // customers.create: every answer lost → 502; the retry gets the same customer
    loseEveryAttempt(ctx, 'POST', '^/v1/customers$');
    expect((await ctx.http.get('/api/billing/customer', { token: company.token })).status).toBe(502);
    expectFaultsSpent(ctx);
    const got = await ctx.http.get('/api/billing/customer', { token: company.token });
    expect(got.status).toBe(200);
    const mine = (await ctx.stripe.customers.list({ limit: 100 }).autoPagingToArray({ limit: 10_000 })).filter(byMetadata('user_id', company.id));
    expect(mine.map((c) => c.id)).toEqual([got.body.stripeCustomerId]);
    expectOwnKeys(wire.posts(/^\/v1\/customers$/), `collabpay-customer-${company.id}`);
    expect((await eventsFor('customer.created', got.body.stripeCustomerId)).length).toBe(1);
    const cus = got.body.stripeCustomerId as string;

    // billing details: an update is repeated as it is (absolute values)
    loseEveryAttempt(ctx, 'POST', `^/v1/customers/${cus}$`);
    const details = { name: 'Cust GmbH', email: 'billing@cust.test', address: { line1: 'Hauptstr. 1', city: 'Berlin', postalCode: '10115', country: 'DE' } };
    expect((await ctx.http.put('/api/billing/customer', details, { token: company.token })).status).toBe(502);
    const put = await ctx.http.put('/api/billing/customer', details, { token: company.token });
    expect(put.status).toBe(200);
    expect(await ctx.stripe.customers.retrieve(cus)).toMatchObject({ name: 'Cust GmbH', email: 'billing@cust.test' });
    expectFaultsSpent(ctx);

    // setup intents: a lost one is left unconfirmed (it moves no money); the retry's works
    loseEveryAttempt(ctx, 'POST', '^/v1/setup_intents$');
    expect((await ctx.http.post('/api/billing/setup-intent', {}, { token: company.token })).status).toBe(502);
    const visa = await saveCard(company, 'pm_card_visa');
    const master = await saveCard(company, 'pm_card_mastercard');
    expectFaultsSpent(ctx);
    await ctx.emulator.flushWebhooks();
    expect(await eventually(async () => (await cards(company)).find((c) => c.isDefault)?.id, 10_000, 'first card default')).toBe(visa);

    // reads fail (500, reset): 502, nothing changes, the retry answers
    fault(ctx, { method: 'GET', path: `^/v1/customers/${cus}/payment_methods$`, mode: 'error_before', times: sdkAttempts(ctx) });
    expect((await ctx.http.get('/api/billing/payment-methods', { token: company.token })).status).toBe(502);
    fault(ctx, { method: 'GET', path: `^/v1/customers/${cus}$`, mode: 'reset_before', times: sdkAttempts(ctx) });
    expect((await ctx.http.get('/api/billing/customer', { token: company.token })).status).toBe(502);
    fault(ctx, { method: 'GET', path: `^/v1/payment_methods/${master}$`, mode: 'error_before', times: sdkAttempts(ctx) });
    expect((await ctx.http.post(`/api/billing/payment-methods/${master}/default`, {}, { token: company.token })).status).toBe(502);
    expectFaultsSpent(ctx);
    expect((await cards(company)).map((c) => [c.id, c.isDefault]).sort()).toEqual(
      [
        [visa, true],
        [master, false],
      ].sort(),
    );

    // default card: lost answers, then the retry
    loseEveryAttempt(ctx, 'POST', `^/v1/customers/${cus}$`);
    expect((await ctx.http.post(`/api/billing/payment-methods/${master}/default`, {}, { token: company.token })).status).toBe(502);
    expect((await ctx.http.post(`/api/billing/payment-methods/${master}/default`, {}, { token: company.token })).status).toBe(200);
    expect(((await ctx.stripe.customers.retrieve(cus)) as Stripe.Customer).invoice_settings.default_payment_method).toBe(master);
    expectFaultsSpent(ctx);

    // card removal: detached once; the retry finds no such card any more
    loseEveryAttempt(ctx, 'POST', `^/v1/payment_methods/${visa}/detach$`);
    expect((await ctx.http.delete(`/api/billing/payment-methods/${visa}`, { token: company.token })).status).toBe(502);
    expectFaultsSpent(ctx);
    const again = await ctx.http.delete(`/api/billing/payment-methods/${visa}`, { token: company.token });
    expect(again.status).toBe(404);
    expect(again.body.code).toBe('PAYMENT_METHOD_NOT_FOUND');
    expect((await cards(company)).map((c) => c.id)).toEqual([master]);
    expect(await eventsFor('payment_method.detached', visa)).toHaveLength(1);
    expectOwnKeys(wire.posts(/^\/v1\/payment_methods\/.*\/detach$/), `collabpay-pm-detach-${visa}`);
  });

  it(T.savedCard, async () => {
    const company = await ctx.user('company', 'Saved Co');
    const card = await saveCard(company, 'pm_card_visa');
    const { paymentId } = await proposeAndAccept(ctx, company, influencer, { amount: 25000 });
    const [{ stripe_payment_intent_id: piId }] = await ctx.db.query(`SELECT stripe_payment_intent_id FROM payments WHERE id = $1`, [paymentId]);
    loseEveryAttempt(ctx, 'POST', `^/v1/payment_intents/${piId}$`);
    const headers = { 'Idempotency-Key': 'saved-card-1' };
    const body = { paymentMethodId: card };
    // the customer update's answers are lost: nothing charged yet, 502
    expect((await ctx.http.post(`/api/payments/${paymentId}/pay-with-saved-card`, body, { token: company.token, headers })).status).toBe(502);
    expectFaultsSpent(ctx);
    // the confirmation's answers are lost: the card was charged, the server finds out and answers 200
    loseEveryAttempt(ctx, 'POST', `^/v1/payment_intents/${piId}/confirm$`);
    const paid = await ctx.http.post(`/api/payments/${paymentId}/pay-with-saved-card`, body, { token: company.token, headers });
    expect(paid.status).toBe(200);
    expect(paid.body.status).toBe('HELD');
    expectFaultsSpent(ctx);
    // a retry of the same request replays; a new click is refused: never a second charge
    expect((await ctx.http.post(`/api/payments/${paymentId}/pay-with-saved-card`, body, { token: company.token, headers })).status).toBe(200);
    const click = await ctx.http.post(`/api/payments/${paymentId}/pay-with-saved-card`, body, { token: company.token });
    expect(click.body.code).toBe('PAYMENT_ALREADY_COMPLETED');
    const charges = await ctx.stripe.charges.list({ payment_intent: piId, limit: 100 });
    expect(charges.data.map((c) => [c.status, c.amount])).toEqual([['succeeded', 25000]]);
    expectOwnKeys(wire.posts(new RegExp(`^/v1/payment_intents/${piId}/confirm$`)), `collabpay-pi-confirm-${piId}-`);
    expectOwnKeys(wire.posts(new RegExp(`^/v1/payment_intents/${piId}$`)), `collabpay-pi-customer-${piId}-`);
    await ctx.emulator.flushWebhooks();
    await expectLedgerCheckClean(ctx, admin);
  });

  it(T.invoice, async () => {
    const company = await ctx.user('company', 'Invoice Co');
    const { collaboration, paymentId } = await proposeAndAccept(ctx, company, influencer, { amount: 42000 });
    const [{ stripe_payment_intent_id: piId }] = await ctx.db.query(`SELECT stripe_payment_intent_id FROM payments WHERE id = $1`, [paymentId]);
    const headers = { 'Idempotency-Key': 'invoice-1' };
    const create = () => ctx.http.post('/api/invoices', { collaborationId: collaboration.id }, { token: company.token, headers });
    // each step's answers lost in turn; every retry goes through all steps again with the same keys
    for (const [method, path] of [
      ['POST', '^/v1/invoices$'],
      ['POST', '^/v1/invoiceitems$'],
      ['POST', `^/v1/payment_intents/${piId}$`],
    ]) {
      loseEveryAttempt(ctx, method, path);
      const r = await create();
      expect({ path, status: r.status }).toEqual({ path, status: 502 });
      expectFaultsSpent(ctx);
    }
    // the cancel's and the finalize's answers lost: both are resolved by re-reading
    loseEveryAttempt(ctx, 'POST', `^/v1/payment_intents/${piId}/cancel$`);
    loseEveryAttempt(ctx, 'POST', '^/v1/invoices/in_[^/]+/finalize$');
    const created = await create();
    expect(created.status).toBe(201);
    expect(created.body.status).toBe('open');
    expectFaultsSpent(ctx);

    const invoices = (await ctx.stripe.invoices.list({ limit: 100 }).autoPagingToArray({ limit: 10_000 })).filter(byMetadata('payment_id', paymentId));
    expect(invoices.map((i) => [i.status, i.amount_due])).toEqual([['open', 42000]]);
    const items = (await ctx.stripe.invoiceItems.list({ limit: 100 }).autoPagingToArray({ limit: 10_000 })).filter(byMetadata('payment_id', paymentId));
    expect(items.map((i) => i.amount)).toEqual([42000]);
    expect(await eventsFor('payment_intent.canceled', piId)).toHaveLength(1);
    expect(await eventsFor('invoice.finalized', invoices[0].id)).toHaveLength(1);
    const pi = await ctx.stripe.paymentIntents.retrieve(piId);
    expect(pi).toMatchObject({ status: 'canceled', metadata: expect.objectContaining({ collabpay_superseded_by: invoices[0].id }) });
    expectOwnKeys(wire.posts(/^\/v1\/invoices$/), `collabpay-invoice-${paymentId}-0`);
    expectOwnKeys(wire.posts(/^\/v1\/invoiceitems$/), `collabpay-invoice-${paymentId}-0-line-0`);
    expectOwnKeys(wire.posts(/^\/v1\/invoices\/in_[^/]+\/finalize$/), `collabpay-invoice-${paymentId}-0-finalize`);
    expectOwnKeys(wire.posts(new RegExp(`^/v1/payment_intents/${piId}$`)), `collabpay-pi-superseded-${piId}-`);
    expectOwnKeys(wire.posts(new RegExp(`^/v1/payment_intents/${piId}/cancel$`)), `collabpay-pi-cancel-${piId}`);

    // send: one e-mail however often the lost answer is retried (and the re-read after it failing changes nothing)
    await webhooksSettled();
    ctx.emulator.setDeliveryPaused(true);
    try {
      loseEveryAttempt(ctx, 'POST', '^/v1/invoices/in_[^/]+/send$');
      fault(ctx, { method: 'GET', path: '^/v1/invoices/in_[^/]+$', mode: 'error_before', times: sdkAttempts(ctx) });
      expect((await ctx.http.post(`/api/invoices/${created.body.id}/send`, {}, { token: company.token })).status).toBe(502);
      expectFaultsSpent(ctx);
    } finally {
      ctx.emulator.setDeliveryPaused(false);
    }
    expect((await ctx.http.get(`/api/invoices/${created.body.id}`, { token: company.token })).body.status).toBe('open');
    expect((await ctx.http.post(`/api/invoices/${created.body.id}/send`, {}, { token: company.token })).status).toBe(200);
    expectFaultsSpent(ctx);
    expect(await eventsFor('invoice.sent', invoices[0].id)).toHaveLength(1);
    expectOwnKeys(wire.posts(/^\/v1\/invoices\/in_[^/]+\/send$/), 'collabpay-invoice-send-');

    // void: the lost answer is found out by re-reading; voided once, the card route is open again
    loseEveryAttempt(ctx, 'POST', '^/v1/invoices/in_[^/]+/void$');
    const voided = await ctx.http.post(`/api/invoices/${created.body.id}/void`, {}, { token: company.token, headers: { 'Idempotency-Key': 'void-1' } });
    expect(voided.status).toBe(200);
    expect(voided.body.status).toBe('void');
    expectFaultsSpent(ctx);
    expect(await eventsFor('invoice.voided', invoices[0].id)).toHaveLength(1);
    expectOwnKeys(wire.posts(/^\/v1\/invoices\/in_[^/]+\/void$/), 'collabpay-invoice-void-');
    const intent = await ctx.http.post('/api/payments/create-intent', { collaborationId: collaboration.id }, { token: company.token });
    expect(intent.status).toBe(201);
    expect(intent.body.payment.stripePaymentIntentId).not.toBe(piId);
    await ctx.emulator.flushWebhooks();
    await expectLedgerCheckClean(ctx, admin);
  });

  it(T.retainer, async () => {
    const company = await ctx.user('company', 'Retainer Co');
    const good = await saveCard(company, 'pm_card_visa');
    const proposed = await ctx.http.post(
      '/api/collaborations',
      { influencerId: influencer.id, title: 'Monthly content', amount: 30000, currency: 'usd', billing: 'monthly' },
      { token: company.token },
    );
    expect((await ctx.http.post(`/api/collaborations/${proposed.body.id}/accept`, {}, { token: influencer.token })).status).toBe(200);
    const start = () => ctx.http.post('/api/retainers', { collaborationId: proposed.body.id, paymentMethodId: good }, { token: company.token });
    // the webhooks of these steps are lost too (customer.subscription.created would tell the retainer its subscription)
    await webhooksSettled();
    ctx.emulator.setDeliveryPaused(true);
    loseEveryAttempt(ctx, 'POST', '^/v1/products$');
    expect((await start()).status).toBe(502);
    loseEveryAttempt(ctx, 'POST', '^/v1/subscriptions$');
    expect((await start()).status).toBe(502);
    fault(ctx, { method: 'GET', path: '^/v1/subscriptions$', mode: 'reset_before', times: sdkAttempts(ctx) });
    expect((await start()).status).toBe(502);
    expectFaultsSpent(ctx);
    ctx.emulator.setDeliveryPaused(false);
    const started = await start();
    expect(started.status).toBe(201);
    expect(started.body.periods[0]).toMatchObject({ status: 'HELD', invoiceStatus: 'paid' });
    const id = started.body.id as string;
    const subId = started.body.stripeSubscriptionId as string;
    const cus = await customerId(company);
    const subs = await ctx.stripe.subscriptions.list({ customer: cus, status: 'all', limit: 100 });
    expect(subs.data.map((s) => s.id)).toEqual([subId]);
    const products = (await ctx.stripe.products.list({ limit: 100 }).autoPagingToArray({ limit: 10_000 })).filter(byMetadata('retainer_id', id));
    expect(products).toHaveLength(1);
    const paidCharges = async () => (await ctx.stripe.charges.list({ customer: cus, limit: 100 })).data.filter((c) => c.status === 'succeeded');
    expect((await paidCharges()).map((c) => c.amount)).toEqual([30000]);
    expectOwnKeys(wire.posts(/^\/v1\/products$/), `collabpay-retainer-product-${id}`);
    expectOwnKeys(wire.posts(/^\/v1\/subscriptions$/), `collabpay-retainer-sub-${id}-`);

    // the card changes to one that is always declined (answers lost once on the way); the renewal fails,
    // and the webhook handler's first reads of the invoice fail too
    const failing = await saveCard(company, 'pm_card_chargeCustomerFail');
    loseEveryAttempt(ctx, 'POST', `^/v1/subscriptions/${subId}$`);
    expect((await ctx.http.post(`/api/retainers/${id}/payment-method`, { paymentMethodId: failing }, { token: company.token })).status).toBe(502);
    const changed = await ctx.http.post(`/api/retainers/${id}/payment-method`, { paymentMethodId: failing }, { token: company.token });
    expect(changed.body.defaultPaymentMethodId).toBe(failing);
    expectFaultsSpent(ctx);
    fault(ctx, { method: 'GET', path: '^/v1/invoices/in_[^/]+$', mode: 'error_before', times: sdkAttempts(ctx) });
    fault(ctx, { method: 'GET', path: '^/v1/payment_intents/pi_[^/]+$', mode: 'error_before', times: sdkAttempts(ctx) });
    const renewal = await ctx.emulator.advanceSubscription(subId);
    expect(renewal.invoice?.status).toBe('open');
    const failed = await eventually(
      async () => {
        const r = (await ctx.http.get(`/api/retainers/${id}`, { token: company.token })).body;
        return r.periods[1]?.status === 'FAILED' && r.periods[1];
      },
      30_000,
      'month 2 FAILED',
    );
    expectFaultsSpent(ctx);

    // retry with the good card: the pay's answers are lost; the invoice is re-read, found paid; a retry pays nothing more
    loseEveryAttempt(ctx, 'POST', '^/v1/invoices/in_[^/]+/pay$');
    const headers = { 'Idempotency-Key': 'retry-1' };
    const retried = await ctx.http.post(`/api/retainers/${id}/retry`, { paymentMethodId: good }, { token: company.token, headers });
    expect(retried.status).toBe(200);
    expect(retried.body.periods[1]).toMatchObject({ status: 'HELD', invoiceStatus: 'paid' });
    expectFaultsSpent(ctx);
    expect((await ctx.http.post(`/api/retainers/${id}/retry`, { paymentMethodId: good }, { token: company.token })).body.code).toBe('NOTHING_TO_RETRY');
    expect((await paidCharges()).map((c) => c.amount)).toEqual([30000, 30000]);
    expect(failed.invoiceId).toBeTruthy();
    expectOwnKeys(wire.posts(/^\/v1\/invoices\/in_[^/]+\/pay$/), `collabpay-invoice-pay-${renewal.invoice!.id}-`);

    // cancel at period end: the lost answer of the update is repeated as it is
    loseEveryAttempt(ctx, 'POST', `^/v1/subscriptions/${subId}$`);
    expect((await ctx.http.post(`/api/retainers/${id}/cancel`, {}, { token: company.token })).status).toBe(502);
    const canceled = await ctx.http.post(`/api/retainers/${id}/cancel`, {}, { token: company.token });
    expect(canceled.status).toBe(200);
    expect(canceled.body.cancelAtPeriodEnd).toBe(true);
    expect((await ctx.stripe.subscriptions.retrieve(subId)).cancel_at_period_end).toBe(true);
    expectFaultsSpent(ctx);
    await ctx.emulator.flushWebhooks();
    await expectLedgerCheckClean(ctx, admin);
  });
});
