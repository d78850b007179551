import { expectLedgerClean, payWith, proposeAndAccept } from '../support/flows';
import { createTestContext, eventually, TestContext, TestUser } from '../support/test-app';

/** A company must never be charged twice: concurrent clicks on every billing path. */
describe('billing races (real Postgres, Redis, webhooks and the Stripe emulator)', () => {
  let ctx: TestContext;
  let company: TestUser;
  let influencer: TestUser;
  let card: string;

  beforeAll(async () => {
    ctx = await createTestContext({ label: 'billing-races' });
    company = await ctx.user('company', 'Race Co');
    influencer = await ctx.user('influencer', 'Race Creator');
    const si = await ctx.http.post('/api/billing/setup-intent', {}, { token: company.token });
    card = (await ctx.stripe.setupIntents.confirm(si.body.setupIntentId, { payment_method: 'pm_card_visa' })).payment_method as string;
  });
  afterAll(() => ctx?.close());

  const customerId = async () =>
    (await ctx.db.query(`SELECT stripe_customer_id AS id FROM billing_customers WHERE user_id = $1`, [company.id]))[0]?.id as string;
  const succeededCharges = async (amount: number) =>
    (await ctx.stripe.charges.list({ customer: await customerId(), limit: 100 })).data.filter((c) => c.amount === amount && c.status === 'succeeded');

  it('10 concurrent one-click payments with a saved card charge the card once', async () => {
    const { paymentId } = await proposeAndAccept(ctx, company, influencer, { amount: 500_000 });
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        ctx.http.post(
          `/api/payments/${paymentId}/pay-with-saved-card`,
          { paymentMethodId: card },
          { token: company.token, headers: i % 2 ? { 'Idempotency-Key': `click-${paymentId}` } : {} },
        ),
      ),
    );
    for (const r of results) expect({ ok: [200, 409].includes(r.status), status: r.status, body: r.body }).toMatchObject({ ok: true });
    expect(results.some((r) => r.status === 200 && r.body.status === 'HELD')).toBe(true);
    expect(await succeededCharges(500_000)).toHaveLength(1);
    const held = await ctx.db.query(`SELECT count(*)::int AS n FROM journal_entries WHERE idempotency_key = $1`, [`payment-held:${paymentId}`]);
    expect(held[0].n).toBe(1);
    await expectLedgerClean(ctx);
  });

  it('10 concurrent invoice requests for one collaboration create one Stripe invoice', async () => {
    const { collaboration } = await proposeAndAccept(ctx, company, influencer, { amount: 333_300 });
    const results = await Promise.all(
      Array.from({ length: 10 }, () => ctx.http.post('/api/invoices', { collaborationId: collaboration.id }, { token: company.token })),
    );
    for (const r of results) expect([200, 201, 409]).toContain(r.status);
    const ids = new Set(results.filter((r) => r.status < 300).map((r) => r.body.id));
    expect(ids.size).toBe(1);
    const invoices = (await ctx.stripe.invoices.list({ customer: await customerId(), limit: 100 })).data.filter(
      (i) => i.metadata?.collaboration_id === collaboration.id && i.status !== 'void',
    );
    expect(invoices).toHaveLength(1);
  });

  it('a card payment racing an invoice request: the collaboration is paid at most once', async () => {
    const { collaboration, paymentId } = await proposeAndAccept(ctx, company, influencer, { amount: 77_700 });
    const [card1, inv] = await Promise.all([
      payWith(ctx, company, collaboration.id).catch((e) => ({ error: e })),
      ctx.http.post('/api/invoices', { collaborationId: collaboration.id }, { token: company.token }),
    ]);
    if (inv.status < 300) {
      // the invoice won: paying it now must be refused or have no second effect
      await ctx.stripe.invoices.pay(inv.body.stripeInvoiceId ?? inv.body.id, { paid_out_of_band: true }).catch(() => undefined);
    }
    await ctx.emulator.flushWebhooks();
    await eventually(
      async () => (await ctx.http.get(`/api/payments/${paymentId}`, { token: company.token })).body.status !== 'PENDING',
      10_000,
      'payment settled',
    );
    const held = await ctx.db.query(`SELECT count(*)::int AS n FROM journal_entries WHERE idempotency_key = $1`, [`payment-held:${paymentId}`]);
    expect(held[0].n).toBeLessThanOrEqual(1);
    const charged = (await succeededCharges(77_700)).length;
    expect(charged).toBeLessThanOrEqual(1);
    expect(card1).toBeDefined();
    await expectLedgerClean(ctx);
  });

  it('10 concurrent retainer starts create one subscription', async () => {
    const res = await ctx.http.post(
      '/api/collaborations',
      { influencerId: influencer.id, title: 'Monthly race', amount: 25_000, currency: 'usd', billing: 'monthly' },
      { token: company.token },
    );
    expect(res.status).toBe(201);
    expect((await ctx.http.post(`/api/collaborations/${res.body.id}/accept`, {}, { token: influencer.token })).status).toBe(200);
    const results = await Promise.all(
      Array.from({ length: 10 }, () => ctx.http.post('/api/retainers', { collaborationId: res.body.id, paymentMethodId: card }, { token: company.token })),
    );
    for (const r of results) expect([200, 201, 409]).toContain(r.status);
    const subs = (await ctx.stripe.subscriptions.list({ customer: await customerId(), status: 'all', limit: 100 })).data.filter(
      (s) => s.metadata?.collaboration_id === res.body.id,
    );
    expect(subs).toHaveLength(1);
    expect(await succeededCharges(25_000)).toHaveLength(1);
    await expectLedgerClean(ctx);
  });
});
