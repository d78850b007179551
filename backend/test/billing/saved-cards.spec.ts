import type Stripe from 'stripe';
import { CustomersService } from '../../src/modules/billing/customers/customers.service';
import { expectLedgerClean, proposeAndAccept } from '../support/flows';
import { createTestContext, eventually, TestContext, TestUser } from '../support/test-app';

describe('billing details and saved cards (real Postgres, Redis, webhooks and the Stripe emulator via the SDK)', () => {
  let ctx: TestContext;
  let company: TestUser;
  let influencer: TestUser;
  let stranger: TestUser;

  beforeAll(async () => {
    ctx = await createTestContext({ label: 'billing-cards' });
    company = await ctx.user('company', 'Acme');
    influencer = await ctx.user('influencer', 'Ava');
    stranger = await ctx.user('company', 'Other Co');
  });
  afterAll(() => ctx?.close());

  /** What the browser does with Stripe.js: confirm the SetupIntent with a card. */
  async function saveCard(user: TestUser, pm: string) {
    const res = await ctx.http.post('/api/billing/setup-intent', {}, { token: user.token });
    expect(res.status).toBe(201);
    expect(res.body.clientSecret).toMatch(/^seti_.*_secret_/);
    const si = await ctx.stripe.setupIntents.confirm(res.body.setupIntentId, { payment_method: pm });
    expect(si.status).toBe('succeeded');
    return si.payment_method as string;
  }
  const cards = (user = company) => ctx.http.get('/api/billing/payment-methods', { token: user.token }).then((r) => r.body.data as any[]);

  it('creates the customer on first need and keeps validated billing details in step with Stripe', async () => {
    const first = await ctx.http.get('/api/billing/customer', { token: company.token });
    expect(first.status).toBe(200);
    expect(first.body.stripeCustomerId).toMatch(/^cus_/);
    const again = await ctx.http.get('/api/billing/customer', { token: company.token });
    expect(again.body.stripeCustomerId).toBe(first.body.stripeCustomerId);

    const details = {
      name: 'Acme GmbH',
      email: 'billing@acme.test',
      address: { line1: 'Hauptstr. 1', city: 'Berlin', postalCode: '10115', country: 'de' },
      taxId: { type: 'eu_vat', value: 'de123456789' },
    };
    const put = await ctx.http.put('/api/billing/customer', details, { token: company.token });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({
      name: 'Acme GmbH',
      email: 'billing@acme.test',
      address: { country: 'DE', city: 'Berlin' },
      taxId: { type: 'eu_vat', value: 'DE123456789' },
    });
    const cus = (await ctx.stripe.customers.retrieve(first.body.stripeCustomerId)) as any;
    expect(cus).toMatchObject({
      name: 'Acme GmbH',
      email: 'billing@acme.test',
      address: { city: 'Berlin', country: 'DE', postal_code: '10115' },
      metadata: { tax_id: 'DE123456789' },
    });

    for (const bad of [
      { ...details, email: 'not-an-email' },
      { ...details, name: '' },
      { ...details, address: { ...details.address, country: 'Germany' } },
      { ...details, taxId: { type: 'xx_vat', value: '123' } },
    ]) {
      const r = await ctx.http.put('/api/billing/customer', bad, { token: company.token });
      expect(r.status).toBe(400);
    }
    expect((await ctx.http.get('/api/billing/customer', { token: influencer.token })).status).toBe(403);
  });

  it('saves cards with a SetupIntent, lists them, sets the default and removes them; never shows another company’s card', async () => {
    const visa = await saveCard(company, 'pm_card_visa');
    // the first saved card becomes the default (setup_intent.succeeded handler)
    await eventually(async () => (await cards()).find((c) => c.id === visa)?.isDefault, 10_000, 'default card');
    const mc = await saveCard(company, 'pm_card_mastercard');
    let list = await cards();
    expect(list.map((c) => c.id).sort()).toEqual([visa, mc].sort());
    expect(list.find((c) => c.id === mc)).toMatchObject({ brand: 'mastercard', last4: '4444', isDefault: false });

    const setDefault = await ctx.http.post(`/api/billing/payment-methods/${mc}/default`, {}, { token: company.token });
    expect(setDefault.status).toBe(200);
    expect(setDefault.body.data.find((c: any) => c.id === mc).isDefault).toBe(true);

    // another company can neither see nor use nor remove it
    expect(await cards(stranger)).toEqual([]);
    expect((await ctx.http.post(`/api/billing/payment-methods/${mc}/default`, {}, { token: stranger.token })).status).toBe(404);
    expect((await ctx.http.delete(`/api/billing/payment-methods/${mc}`, { token: stranger.token })).status).toBe(404);
    expect((await ctx.http.delete(`/api/billing/payment-methods/garbage`, { token: company.token })).status).toBe(404);

    const removed = await ctx.http.delete(`/api/billing/payment-methods/${visa}`, { token: company.token });
    expect(removed.status).toBe(200);
    list = await cards();
    expect(list.map((c) => c.id)).toEqual([mc]);
  });

  it("makes the first card saved the default even when the second card's event is applied first", async () => {
    const buyer = await ctx.user('company', 'Order Co');
    const cus = (await ctx.http.get('/api/billing/customer', { token: buyer.token })).body.stripeCustomerId as string;
    // two cards on file, saved one after the other (attached directly: no webhook of their own)
    const first = (await ctx.stripe.paymentMethods.attach('pm_card_visa', { customer: cus })).id;
    const second = (await ctx.stripe.paymentMethods.attach('pm_card_mastercard', { customer: cus })).id;
    const succeeded = (pm: string) => ({ id: `seti_order_${pm}`, object: 'setup_intent', customer: cus, payment_method: pm }) as unknown as Stripe.SetupIntent;
    const customers = ctx.app.get(CustomersService);
    // the second card's setup_intent.succeeded is applied first, then the first card's (and again: idempotent)
    expect(await customers.onCardSaved(succeeded(second))).toBe('applied');
    expect(await customers.onCardSaved(succeeded(first))).toBe('ignored');
    expect(await customers.onCardSaved(succeeded(second))).toBe('ignored');
    expect((await cards(buyer)).map((c) => [c.id, c.isDefault]).sort()).toEqual(
      [
        [first, true],
        [second, false],
      ].sort(),
    );
  });

  it('pays a later collaboration in one click with a saved card (off-session) → HELD', async () => {
    const [card] = await cards();
    const { paymentId } = await proposeAndAccept(ctx, company, influencer, { amount: 42000 });
    const paid = await ctx.http.post(
      `/api/payments/${paymentId}/pay-with-saved-card`,
      { paymentMethodId: card.id },
      { token: company.token, headers: { 'Idempotency-Key': `one-click-${paymentId}` } },
    );
    expect(paid.status).toBe(200);
    expect(paid.body).toMatchObject({ id: paymentId, status: 'HELD', amountHeld: 42000, method: 'card' });
    const replay = await ctx.http.post(
      `/api/payments/${paymentId}/pay-with-saved-card`,
      { paymentMethodId: card.id },
      { token: company.token, headers: { 'Idempotency-Key': `one-click-${paymentId}` } },
    );
    expect(replay.status).toBe(200);
    const twice = await ctx.http.post(`/api/payments/${paymentId}/pay-with-saved-card`, { paymentMethodId: card.id }, { token: company.token });
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('PAYMENT_ALREADY_COMPLETED');
    await expectLedgerClean(ctx);
  });

  it('a card that needs authentication answers 402 AUTHENTICATION_REQUIRED with the client secret; a declined one 402 CARD_DECLINED', async () => {
    const customer = (await ctx.http.get('/api/billing/customer', { token: company.token })).body.stripeCustomerId;
    const threeDs = await ctx.stripe.paymentMethods.attach('pm_card_authenticationRequired', { customer });
    const { paymentId } = await proposeAndAccept(ctx, company, influencer, { amount: 30000 });
    const res = await ctx.http.post(`/api/payments/${paymentId}/pay-with-saved-card`, { paymentMethodId: threeDs.id }, { token: company.token });
    expect(res.status).toBe(402);
    expect(res.body.code).toBe('AUTHENTICATION_REQUIRED');
    expect(res.body.clientSecret).toMatch(/^pi_.*_secret_/);
    expect(res.body.paymentId).toBe(paymentId);

    const declined = await ctx.stripe.paymentMethods.attach('pm_card_chargeCustomerFail', { customer });
    const res2 = await ctx.http.post(`/api/payments/${paymentId}/pay-with-saved-card`, { paymentMethodId: declined.id }, { token: company.token });
    expect(res2.status).toBe(402);
    expect(res2.body.code).toBe('CARD_DECLINED');
    const p = (await ctx.http.get(`/api/payments/${paymentId}`, { token: company.token })).body;
    expect(p.status).toBe('FAILED');

    // and a good saved card then pays it
    const [good] = (await cards()).filter((c) => c.last4 === '4444');
    const ok = await ctx.http.post(`/api/payments/${paymentId}/pay-with-saved-card`, { paymentMethodId: good.id }, { token: company.token });
    expect(ok.status).toBe(200);
    expect(ok.body.status).toBe('HELD');
    expect((await ctx.http.post(`/api/payments/${paymentId}/pay-with-saved-card`, { paymentMethodId: 'pm_x' }, { token: stranger.token })).status).toBe(404);
    await expectLedgerClean(ctx);
  });
});
