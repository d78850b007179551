import { expectLedgerClean, proposeAndAccept } from '../support/flows';
import { StripeLockGuard } from '../support/stripe-lock-guard';
import { createTestContext, TestContext, TestUser } from '../support/test-app';

/**
 * No Stripe call while a database row lock is held, on every billing request path: each step runs alone (webhook
 * delivery paused) and the guard checks the app's connections at the moment of every Stripe request.
 */
describe('billing: no Stripe call while a row lock is held', () => {
  let ctx: TestContext;
  let company: TestUser;
  let influencer: TestUser;
  let guard: StripeLockGuard;

  beforeAll(async () => {
    ctx = await createTestContext({ label: 'billing-nolock' });
    [company, influencer] = await Promise.all([ctx.user('company', 'Acme'), ctx.user('influencer', 'Ava')]);
    guard = await StripeLockGuard.attach(ctx);
  });
  beforeEach(() => {
    ctx.emulator.setDeliveryPaused(true);
    guard.clear();
  });
  afterEach(() => ctx.emulator.setDeliveryPaused(false));
  afterAll(async () => {
    await guard?.detach();
    await ctx?.close();
  });

  const post = (path: string, body: unknown = {}) => ctx.http.post(path, body, { token: company.token });
  async function saveCard(pm: string) {
    const res = await post('/api/billing/setup-intent');
    const si = await ctx.stripe.setupIntents.confirm(res.body.setupIntentId, { payment_method: pm });
    return si.payment_method as string;
  }
  const expectNoLockedCalls = (min: number) => {
    expect(guard.calls.length).toBeGreaterThanOrEqual(min);
    expect(guard.violations()).toEqual([]);
  };

  it('saved cards and the one-click payment (success, lost answer, decline)', async () => {
    expect((await ctx.http.put('/api/billing/customer', { name: 'Acme Inc', email: 'billing@acme.test' }, { token: company.token })).status).toBe(200);
    const card = await saveCard('pm_card_visa');
    const customer = (await ctx.http.get('/api/billing/customer', { token: company.token })).body.stripeCustomerId;
    const declining = (await ctx.stripe.paymentMethods.attach('pm_card_chargeCustomerFail', { customer })).id;
    expect((await ctx.http.get('/api/billing/payment-methods', { token: company.token })).status).toBe(200);
    expect((await post(`/api/billing/payment-methods/${card}/default`)).status).toBe(200);
    const { paymentId } = await proposeAndAccept(ctx, company, influencer, { amount: 42000 });
    const declined = await post(`/api/payments/${paymentId}/pay-with-saved-card`, { paymentMethodId: declining });
    expect(declined.body.code).toBe('CARD_DECLINED');
    ctx.emulator.faults.add({ method: 'POST', path: '/confirm$', mode: 'lose_response', times: 3 });
    // the lost confirmation is found out by re-reading the intent
    const paid = await post(`/api/payments/${paymentId}/pay-with-saved-card`, { paymentMethodId: card });
    expect(paid.body).toMatchObject({ status: 'HELD' });
    expect((await post(`/api/payments/${paymentId}/pay-with-saved-card`, { paymentMethodId: card })).body.code).toBe('PAYMENT_ALREADY_COMPLETED');
    expect((await ctx.http.delete(`/api/billing/payment-methods/${declining}`, { token: company.token })).status).toBe(200);
    expectNoLockedCalls(10);
    ctx.emulator.setDeliveryPaused(false);
    await ctx.emulator.flushWebhooks();
    await expectLedgerClean(ctx);
  });

  it('invoices: create, send, void, and a new invoice', async () => {
    const { collaboration } = await proposeAndAccept(ctx, company, influencer, { amount: 30000 });
    const created = await post('/api/invoices', { collaborationId: collaboration.id });
    expect(created.status).toBe(201);
    expect((await post(`/api/invoices/${created.body.id}/send`)).status).toBe(200);
    expect((await post(`/api/invoices/${created.body.id}/void`)).status).toBe(200);
    expect((await post('/api/invoices', { collaborationId: collaboration.id })).status).toBe(201);
    expectNoLockedCalls(6);
  });

  it('retainers: start, change card, cancel', async () => {
    const card = await saveCard('pm_card_visa');
    const res = await post('/api/collaborations', { influencerId: influencer.id, title: 'Monthly', amount: 50000, currency: 'usd', billing: 'monthly' });
    await ctx.http.post(`/api/collaborations/${res.body.id}/accept`, {}, { token: influencer.token });
    const started = await post('/api/retainers', { collaborationId: res.body.id, paymentMethodId: card });
    expect(started.status).toBe(201);
    const other = await saveCard('pm_card_mastercard');
    expect((await post(`/api/retainers/${started.body.id}/payment-method`, { paymentMethodId: other })).status).toBe(200);
    expect((await post(`/api/retainers/${started.body.id}/cancel`, { atPeriodEnd: true })).status).toBe(200);
    expectNoLockedCalls(5);
  });
});
