import { Accounts } from '../../src/modules/ledger/domain/accounts';
import { RetainersService } from '../../src/modules/billing/retainers/retainers.service';
import { balance, expectLedgerClean } from '../support/flows';
import { createTestContext, eventually, TestContext, TestUser } from '../support/test-app';

const DAY = 86400_000;

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
    const res = await ctx.http.post('/api/collaborations', { influencerId: influencer.id, title: 'Monthly content', amount, currency: 'usd', billing: 'monthly' }, { token: company.token });
    expect(res.status).toBe(201);
    expect(res.body.billing).toBe('monthly');
    const accept = await ctx.http.post(`/api/collaborations/${res.body.id}/accept`, {}, { token: influencer.token });
    expect(accept.status).toBe(200);
    return res.body.id as string;
  }
  const renewAt = (offsetMs: number) => ctx.app.get(RetainersService).renewDue(new Date(Date.now() + offsetMs));
  const retainer = (id: string) => ctx.http.get(`/api/retainers/${id}`, { token: company.token }).then((r) => r.body);

  it('bills month after month; each paid month is HELD and released separately; cancel ends it at period end', async () => {
    const card = await saveCard(company, 'pm_card_visa');
    const collaborationId = await monthly(100000);
    // never by card intent or one-off invoice
    const intent = await ctx.http.post('/api/payments/create-intent', { collaborationId }, { token: company.token });
    expect(intent.status).toBe(409);
    expect(intent.body.code).toBe('PAYMENT_BY_SUBSCRIPTION');
    expect((await ctx.http.post('/api/invoices', { collaborationId }, { token: company.token })).body.code).toBe('PAYMENT_BY_SUBSCRIPTION');

    const started = await ctx.http.post('/api/retainers', { collaborationId, paymentMethodId: card }, { token: company.token });
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({ collaborationId, status: 'active', amount: 100000, currency: 'usd', interval: 'month', cancelAtPeriodEnd: false });
    expect(started.body.periods).toHaveLength(1);
    expect(started.body.periods[0]).toMatchObject({ periodIndex: 0, status: 'HELD', invoiceStatus: 'paid' });
    const id = started.body.id;

    expect(await renewAt(32 * DAY)).toBe(1);
    expect(await renewAt(32 * DAY)).toBe(0); // nothing more is due yet
    expect(await renewAt(63 * DAY)).toBe(1);
    await ctx.emulator.flushWebhooks();
    const r = await retainer(id);
    expect(r.periods.map((p: any) => [p.periodIndex, p.status, p.invoiceStatus])).toEqual([
      [0, 'HELD', 'paid'],
      [1, 'HELD', 'paid'],
      [2, 'HELD', 'paid'],
    ]);
    const [p0, p1, p2] = r.periods.map((p: any) => p.paymentId);
    for (const p of [p0, p1, p2]) expect(await balance(ctx, Accounts.escrow(p))).toBe(100000);
    const invoices = await ctx.http.get(`/api/invoices?collaborationId=${collaborationId}`, { token: influencer.token });
    expect(invoices.body.data).toHaveLength(3);
    expect(invoices.body.data.every((i: any) => i.kind === 'retainer' && i.status === 'paid')).toBe(true);
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

    // cancel at period end: the current month stays, nothing more is billed
    const canceled = await ctx.http.post(`/api/retainers/${id}/cancel`, {}, { token: company.token });
    expect(canceled.status).toBe(200);
    expect(canceled.body).toMatchObject({ status: 'active', cancelAtPeriodEnd: true });
    expect(await renewAt(95 * DAY)).toBe(0);
    const ended = await retainer(id);
    expect(ended.status).toBe('canceled');
    expect(ended.periods).toHaveLength(3);
    expect((await ctx.http.get(`/api/retainers`, { token: influencer.token })).body.data.map((x: any) => x.id)).toContain(id);
  });

  it('a renewal with a declined card marks that month FAILED, tells the company live, and a retry with another card pays it', async () => {
    const good = await saveCard(company, 'pm_card_mastercard');
    const collaborationId = await monthly(50000);
    const started = await ctx.http.post('/api/retainers', { collaborationId, paymentMethodId: good }, { token: company.token });
    expect(started.body.periods[0].status).toBe('HELD');
    const id = started.body.id;

    const failing = await saveCard(company, 'pm_card_chargeCustomerFail'); // attaches, every charge is declined
    const changed = await ctx.http.post(`/api/retainers/${id}/payment-method`, { paymentMethodId: failing }, { token: company.token });
    expect(changed.body.defaultPaymentMethodId).toBe(failing);

    expect(await renewAt(32 * DAY)).toBe(1);
    await ctx.emulator.flushWebhooks();
    const r = await retainer(id);
    expect(r.status).toBe('past_due');
    expect(r.periods[1]).toMatchObject({ periodIndex: 1, status: 'FAILED', invoiceStatus: 'open' });
    expect(r.periods[1].failureMessage).toMatch(/declined/i);
    // the company is told live (outbox → socket), once
    const rows = await eventually(async () => {
      const x = await ctx.db.query(`SELECT payload FROM outbox_events WHERE user_id = $1 AND event = 'payment:update' AND payload->>'paymentId' = $2 AND payload->>'status' = 'FAILED'`, [company.id, r.periods[1].paymentId]);
      return x.length && x;
    }, 5000, 'FAILED notification');
    expect(rows).toHaveLength(1);
    expect(rows[0].payload.message).toMatch(/month 2.*failed/i);

    const retried = await ctx.http.post(`/api/retainers/${id}/retry`, { paymentMethodId: good }, { token: company.token });
    expect(retried.status).toBe(200);
    expect(retried.body.status).toBe('active');
    expect(retried.body.periods[1]).toMatchObject({ status: 'HELD', invoiceStatus: 'paid' });
    expect(await balance(ctx, Accounts.escrow(r.periods[1].paymentId))).toBe(50000);
    await expectLedgerClean(ctx);
  });
});
