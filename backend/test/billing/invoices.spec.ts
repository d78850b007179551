import { Accounts } from '../../src/modules/ledger/domain/accounts';
import { balance, expectLedgerClean, payWith, proposeAndAccept } from '../support/flows';
import { createTestContext, eventually, TestContext, TestUser } from '../support/test-app';

describe('pay by invoice (real Postgres, Redis, webhooks and the Stripe emulator via the SDK)', () => {
  let ctx: TestContext;
  let company: TestUser;
  let influencer: TestUser;
  let stranger: TestUser;

  beforeAll(async () => {
    ctx = await createTestContext({ label: 'billing-invoices' });
    company = await ctx.user('company', 'Acme');
    influencer = await ctx.user('influencer', 'Ava');
    stranger = await ctx.user('company', 'Other Co');
  });
  afterAll(() => ctx?.close());

  const invoice = (id: string, token = company.token) => ctx.http.get(`/api/invoices/${id}`, { token });
  const payment = (id: string) => ctx.http.get(`/api/payments/${id}`, { token: company.token }).then((r) => r.body);
  const invoiceStatus = (id: string, status: string) => eventually(async () => (await invoice(id)).body.status === status, 10_000, `invoice ${status}`);
  const paymentStatus = (id: string, status: string) =>
    eventually(async () => (await payment(id)).status === status && payment(id), 10_000, `payment ${status}`);

  it('invoice (one line per milestone) paid → HELD with the same ledger entry as a card → release → wallet; card after that is refused', async () => {
    const { collaboration, paymentId } = await proposeAndAccept(ctx, company, influencer, {
      amount: 150000,
      milestones: [
        { title: 'Draft', amount: 60000 },
        { title: 'Final video', amount: 90000 },
      ],
    });
    const cardIntent = (await payment(paymentId)).stripePaymentIntentId as string;
    expect(cardIntent).toMatch(/^pi_/);

    const created = await ctx.http.post('/api/invoices', { collaborationId: collaboration.id, daysUntilDue: 14 }, { token: company.token });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ collaborationId: collaboration.id, status: 'open', amount: 150000, currency: 'usd' });
    expect(created.body.hostedInvoiceUrl).toMatch(/^http/);
    expect(created.body.invoicePdf).toMatch(/^http/);
    const due = new Date(created.body.dueDate).getTime();
    expect(Math.abs(due - (Date.now() + 14 * 86400_000))).toBeLessThan(3 * 86400_000);
    const inv = await ctx.stripe.invoices.retrieve(created.body.stripeInvoiceId);
    expect(inv).toMatchObject({
      collection_method: 'send_invoice',
      status: 'open',
      amount_due: 150000,
      metadata: { payment_id: paymentId, collaboration_id: collaboration.id },
    });
    expect(inv.lines.data.map((l) => [l.description, l.amount])).toEqual(
      expect.arrayContaining([
        ['Draft', 60000],
        ['Final video', 90000],
      ]),
    );
    const pdf = await fetch(created.body.invoicePdf);
    expect((await pdf.text()).startsWith('%PDF')).toBe(true);

    // the card route is closed: the intent is canceled, create-intent refuses, the payment stays PENDING
    expect((await ctx.stripe.paymentIntents.retrieve(cardIntent)).status).toBe('canceled');
    await expect(ctx.stripe.paymentIntents.confirm(cardIntent, { payment_method: 'pm_card_visa' })).rejects.toThrow();
    const refused = await ctx.http.post('/api/payments/create-intent', { collaborationId: collaboration.id }, { token: company.token });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('PAYMENT_BY_INVOICE');
    await ctx.emulator.flushWebhooks();
    expect(await payment(paymentId)).toMatchObject({ status: 'PENDING', method: 'invoice' });
    expect((await ctx.http.get(`/api/collaborations/${collaboration.id}`, { token: company.token })).body.status).toBe('ACCEPTED');

    // asking again returns the same open invoice
    const again = await ctx.http.post('/api/invoices', { collaborationId: collaboration.id }, { token: company.token });
    expect(again.body.id).toBe(created.body.id);

    // both parties see it, nobody else
    expect((await invoice(created.body.id, influencer.token)).status).toBe(200);
    expect((await invoice(created.body.id, stranger.token)).status).toBe(404);
    const listed = await ctx.http.get('/api/invoices', { token: influencer.token });
    expect(listed.body.data.map((i: any) => i.id)).toContain(created.body.id);
    expect((await ctx.http.get('/api/invoices', { token: stranger.token })).body.data).toEqual([]);
    expect((await ctx.http.post(`/api/invoices/${created.body.id}/void`, {}, { token: influencer.token })).status).toBe(403);

    const sent = await ctx.http.post(`/api/invoices/${created.body.id}/send`, {}, { token: company.token });
    expect(sent.status).toBe(200);
    expect(sent.body.status).toBe('open');

    // the customer pays the invoice (as on the hosted invoice page)
    await ctx.stripe.invoices.pay(created.body.stripeInvoiceId, { payment_method: 'pm_card_visa' });
    await invoiceStatus(created.body.id, 'paid');
    const held = await paymentStatus(paymentId, 'HELD');
    expect(held).toMatchObject({ method: 'invoice', amountHeld: 150000 });
    expect(await balance(ctx, Accounts.escrow(paymentId))).toBe(150000);
    const fees = await balance(ctx, Accounts.stripeFees);
    expect(fees).toBe(Math.round(150000 * 0.029) + 30);
    const entries = await ctx.db.query(`SELECT count(*)::int AS n FROM journal_entries WHERE idempotency_key = $1`, [`payment-held:${paymentId}`]);
    expect(entries[0].n).toBe(1);
    await expectLedgerClean(ctx);

    // a second payment by card is refused, and so is a second invoice
    const card = await ctx.http.post('/api/payments/create-intent', { collaborationId: collaboration.id }, { token: company.token });
    expect(card.status).toBe(409);
    const second = await ctx.http.post('/api/invoices', { collaborationId: collaboration.id }, { token: company.token });
    expect(second.status).toBe(409);
    expect(second.body.code).toBe('PAYMENT_ALREADY_COMPLETED');
    const voidPaid = await ctx.http.post(`/api/invoices/${created.body.id}/void`, {}, { token: company.token });
    expect(voidPaid.status).toBe(409);
    expect(voidPaid.body.code).toBe('INVOICE_NOT_OPEN');

    const released = await ctx.http.post(`/api/payments/collaboration/${collaboration.id}/release`, {}, { token: company.token });
    expect(released.status).toBe(200);
    expect(released.body).toMatchObject({ status: 'RELEASED', amountReleased: 150000 });
    expect(await balance(ctx, Accounts.walletAvailable(influencer.id))).toBe(135000);
    const wallet = await ctx.http.get('/api/wallet/balance', { token: influencer.token });
    expect(wallet.status).toBe(200);
    // the invoice's charge is a card payment like any other: its funds are pending at Stripe for now, so not payable yet
    expect(wallet.body.balances).toEqual([
      {
        currency: 'usd',
        available: 135000,
        pending: 0,
        totalEarned: 135000,
        totalWithdrawn: 0,
        owed: 0,
        availableForPayout: 0,
        nextAvailableOn: expect.any(String),
      },
    ]);
    await expectLedgerClean(ctx);
  });

  it('voiding an open invoice hands the collaboration back to the card route (a fresh intent), and a paid card ends it', async () => {
    const { collaboration, paymentId } = await proposeAndAccept(ctx, company, influencer, { amount: 50000 });
    const firstIntent = (await payment(paymentId)).stripePaymentIntentId;
    const created = await ctx.http.post('/api/invoices', { collaborationId: collaboration.id }, { token: company.token });
    expect(created.status).toBe(201);
    const voided = await ctx.http.post(`/api/invoices/${created.body.id}/void`, {}, { token: company.token });
    expect(voided.status).toBe(200);
    expect(voided.body.status).toBe('void');
    expect(voided.body.voidedAt).toBeTruthy();
    expect(await payment(paymentId)).toMatchObject({ status: 'PENDING', method: 'card' });
    await expect(ctx.stripe.invoices.pay(created.body.stripeInvoiceId, { payment_method: 'pm_card_visa' })).rejects.toThrow();

    const again = await ctx.http.post(`/api/invoices/${created.body.id}/void`, {}, { token: company.token });
    expect(again.status).toBe(409);

    const paid = await payWith(ctx, company, collaboration.id);
    expect(paid.error).toBeNull();
    expect(paid.piId).not.toBe(firstIntent);
    expect(paid.payment).toMatchObject({ status: 'HELD', method: 'card' });
    await ctx.emulator.flushWebhooks();
    await eventually(async () => (await invoice(created.body.id)).body.status === 'void', 5000, 'still void');
    expect((await payment(paymentId)).status).toBe('HELD');
    // and now no invoice can be issued
    const late = await ctx.http.post('/api/invoices', { collaborationId: collaboration.id }, { token: company.token });
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('PAYMENT_ALREADY_COMPLETED');
    await expectLedgerClean(ctx);
  });

  it('a declined invoice payment keeps the invoice open, records why, and tells the company', async () => {
    const { collaboration, paymentId } = await proposeAndAccept(ctx, company, influencer, { amount: 20000 });
    const created = await ctx.http.post('/api/invoices', { collaborationId: collaboration.id }, { token: company.token });
    await expect(ctx.stripe.invoices.pay(created.body.stripeInvoiceId, { payment_method: 'pm_card_chargeDeclined' })).rejects.toThrow();
    const failed = await eventually(
      async () => {
        const r = (await invoice(created.body.id)).body;
        return r.lastError && r;
      },
      10_000,
      'failure recorded',
    );
    expect(failed).toMatchObject({ status: 'open', attemptCount: 1 });
    expect(failed.lastError).toMatch(/declined/i);
    const rows = await ctx.db.query(`SELECT payload->>'message' AS message FROM outbox_events WHERE user_id = $1 AND payload->>'paymentId' = $2 ORDER BY seq`, [
      company.id,
      paymentId,
    ]);
    expect(rows.map((r: any) => r.message).join('\n')).toMatch(/payment failed/i);
    expect((await payment(paymentId)).status).toBe('PENDING');
    // the retry succeeds
    await ctx.stripe.invoices.pay(created.body.stripeInvoiceId, { payment_method: 'pm_card_visa' });
    await paymentStatus(paymentId, 'HELD');
    await expectLedgerClean(ctx);
  });

  it('refuses invoices for collaborations that are not the company’s, not accepted, or already paid by card', async () => {
    const res = await ctx.http.post(
      '/api/collaborations',
      { influencerId: influencer.id, title: 'Proposed only', amount: 10000, currency: 'usd' },
      { token: company.token },
    );
    const proposed = await ctx.http.post('/api/invoices', { collaborationId: res.body.id }, { token: company.token });
    expect(proposed.status).toBe(409);
    expect(proposed.body.code).toBe('COLLABORATION_NOT_ACCEPTED');
    const { collaboration } = await proposeAndAccept(ctx, company, influencer, { amount: 10000 });
    expect((await ctx.http.post('/api/invoices', { collaborationId: collaboration.id }, { token: stranger.token })).status).toBe(404);
    expect((await ctx.http.post('/api/invoices', { collaborationId: collaboration.id }, { token: influencer.token })).status).toBe(403);
    expect((await ctx.http.post('/api/invoices', { collaborationId: 'nope' }, { token: company.token })).status).toBe(400);
    expect((await ctx.http.post('/api/invoices', { collaborationId: collaboration.id, daysUntilDue: 1000 }, { token: company.token })).status).toBe(400);
    await payWith(ctx, company, collaboration.id);
    const paid = await ctx.http.post('/api/invoices', { collaborationId: collaboration.id }, { token: company.token });
    expect(paid.status).toBe(409);
    expect(paid.body.code).toBe('PAYMENT_ALREADY_COMPLETED');
    expect((await ctx.http.get('/api/invoices/00000000-0000-0000-0000-000000000000', { token: company.token })).status).toBe(404);
  });
});
