import { Accounts } from '../../src/modules/ledger/domain/accounts';
import { LedgerService } from '../../src/modules/ledger/ledger.service';
import { PaymentsService } from '../../src/modules/payments/payments.service';
import { WalletCreditsRepository } from '../../src/modules/wallet/wallet-credits.repository';
import { balance, expectLedgerClean } from '../support/flows';
import { createTestContext, eventually, TestContext, TestUser } from '../support/test-app';
import { NO_ACCOUNT_BANK, onboard, PAYOUT_DELAYS, payoutStatus, settlePayouts } from '../wallet/support';
import { approve, funded, outboxEvents, walletAvailable, walletOwed } from './support';

/** Clawback after release (admin, and a card dispute lost after release): wallet first, the rest owed. */
describe('workflow: clawback and debt', () => {
  let ctx: TestContext;
  let company: TestUser;
  let admin: TestUser;

  beforeAll(async () => {
    ctx = await createTestContext({ label: 'wf-clawback', emulator: { delays: PAYOUT_DELAYS } });
    [company, admin] = await Promise.all([ctx.user('company'), ctx.user('admin')]);
  });
  afterAll(() => ctx?.close());

  const clawback = (paymentId: string, amount: number, key?: string) =>
    ctx.http.post(
      `/api/admin/payments/${paymentId}/clawback`,
      { amount, reason: 'Deliverable taken down' },
      { token: admin.token, headers: key ? { 'idempotency-key': key } : {} },
    );
  const releaseAll = async (cid: string) =>
    expect((await ctx.http.post(`/api/payments/collaboration/${cid}/release`, {}, { token: company.token })).status).toBe(200);
  const figures = async (u: TestUser, currency = 'usd') =>
    ((await ctx.http.get('/api/wallet/balance', { token: u.token })).body.balances as Array<Record<string, number | string>>).find(
      (b) => b.currency === currency,
    );

  it('with enough balance: recovered from the wallet (less the fee share), refunded to the company at Stripe, nothing owed', async () => {
    const inf = await ctx.user('influencer');
    const { collaboration: c, paymentId } = await funded(ctx, company, inf, { amount: 10000 });
    await releaseAll(c.id);
    expect(await walletAvailable(ctx, inf)).toBe(9000);
    const r = await clawback(paymentId, 4000, 'cb-1');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'RELEASED', amountReleased: 10000, amountRefunded: 0, amountClawedBack: 4000 });
    expect((await clawback(paymentId, 4000, 'cb-1')).body).toEqual(r.body); // replayed, not repeated
    expect(await walletAvailable(ctx, inf)).toBe(9000 - 3600);
    expect(await walletOwed(ctx, inf)).toBe(0);
    const refunds = await ctx.stripe.refunds.list({ payment_intent: r.body.stripePaymentIntentId });
    expect(refunds.data.map((x) => x.amount)).toEqual([4000]);
    expect((await figures(inf))?.owed).toBe(0);
    // the charge.refunded webhook of the clawback's refund is not booked again as a refund of held money
    await eventually(
      async () =>
        (
          await ctx.db.query(`SELECT 1 FROM webhook_events WHERE type = 'charge.refunded' AND status IN ('PROCESSED','IGNORED') AND payload::text LIKE $1`, [
            `%${r.body.stripePaymentIntentId}%`,
          ])
        ).length > 0,
      15_000,
      'charge.refunded processed',
    );
    expect((await ctx.http.get(`/api/payments/${paymentId}`, { token: company.token })).body).toMatchObject({ amountRefunded: 0, amountClawedBack: 4000 });
    // more than released and not yet clawed back: refused
    expect(await clawback(paymentId, 6001)).toMatchObject({ status: 409, body: { code: 'AMOUNT_EXCEEDS_RELEASED' } });
    await expectLedgerClean(ctx);
  });

  it('without enough balance: the shortfall is owed, payouts are refused with BALANCE_OWED, the next release repays it first', async () => {
    const inf = await ctx.user('influencer');
    await onboard(ctx, inf);
    const first = await funded(ctx, company, inf, { amount: 20000, paymentMethod: 'pm_card_bypassPending' });
    await releaseAll(first.collaboration.id);
    const payout = await ctx.http.post('/api/wallet/payout', { amount: 15000, currency: 'usd' }, { token: inf.token });
    expect(payout.status).toBe(201);
    expect(await walletAvailable(ctx, inf)).toBe(3000);

    const r = await clawback(first.paymentId, 20000);
    expect(r.status).toBe(200);
    // 20000 back to the company: 2000 fee returned by the platform, 3000 from the wallet, 15000 owed
    expect(await walletAvailable(ctx, inf)).toBe(0);
    expect(await walletOwed(ctx, inf)).toBe(15000);
    expect(await figures(inf)).toMatchObject({ available: 0, owed: 15000, availableForPayout: 0 });
    // the wallet credits left by the release are closed with the money the clawback took (none left to pay out)
    const credits = ctx.app.get(WalletCreditsRepository);
    const openCredits = async () => (await credits.open(inf.id, 'usd')).reduce((s, c) => s + c.open, 0);
    expect(await credits.mismatches(inf.id)).toEqual([]);
    expect(await openCredits()).toBe(0);
    const tx = (await ctx.http.get('/api/wallet/transactions?limit=1', { token: inf.token })).body.data[0];
    expect(tx).toMatchObject({ type: 'debit', amount: 3000, balanceAfter: 0, description: 'Clawback: Deliverable taken down' });
    const w = (await outboxEvents(ctx, inf.id, 'wallet:update')).pop();
    expect(w).toMatchObject({ available: 0, owed: 15000 });

    expect(await ctx.http.post('/api/wallet/payout', { amount: 100, currency: 'usd' }, { token: inf.token })).toMatchObject({
      status: 409,
      body: { code: 'BALANCE_OWED' },
    });

    // the next release (10000, 9000 net of the fee) repays the debt first, as its own wallet transaction
    const second = await funded(ctx, company, inf, { amount: 10000, paymentMethod: 'pm_card_bypassPending' });
    expect((await approve(ctx, company, second.collaboration.id, second.milestones[0].id)).status).toBe(200);
    expect(await walletOwed(ctx, inf)).toBe(6000);
    expect(await walletAvailable(ctx, inf)).toBe(0);
    const txs = (await ctx.http.get('/api/wallet/transactions?limit=2', { token: inf.token })).body.data;
    expect(txs.map((t: { type: string; amount: number }) => [t.type, t.amount])).toEqual([
      ['debit', 9000],
      ['credit', 9000],
    ]);
    expect(txs[0].description).toMatch(/Repayment of .* owed after a clawback/);
    // what repaid the debt never becomes payable: its credit is closed
    expect(await credits.mismatches(inf.id)).toEqual([]);
    expect(await openCredits()).toBe(0);
    expect(await figures(inf)).toMatchObject({ available: 0, owed: 6000, availableForPayout: 0 });
    const third = await funded(ctx, company, inf, { amount: 10000, paymentMethod: 'pm_card_bypassPending' });
    await releaseAll(third.collaboration.id);
    expect(await walletOwed(ctx, inf)).toBe(0);
    expect(await walletAvailable(ctx, inf)).toBe(3000);
    expect(await figures(inf)).toMatchObject({ available: 3000, owed: 0, availableForPayout: 3000 });
    expect(await credits.mismatches(inf.id)).toEqual([]);
    const last = await ctx.http.post('/api/wallet/payout', { amount: 3000, currency: 'usd' }, { token: inf.token });
    expect(last.status).toBe(201);
    // paid out against the charge of the payment whose release was left after repaying the debt
    const thirdPi = await ctx.stripe.paymentIntents.retrieve(
      (await ctx.http.get(`/api/payments/${third.paymentId}`, { token: company.token })).body.stripePaymentIntentId,
    );
    const sources = await ctx.db.query(`SELECT source, amount::int AS amount FROM payout_transfers WHERE payout_id = $1`, [last.body.id]);
    expect(sources).toEqual([{ source: thirdPi.latest_charge, amount: 3000 }]);
    await expectLedgerClean(ctx);
  });

  it('a payout that fails while a debt is owed brings money back that is not payable: availableForPayout 0, BALANCE_OWED', async () => {
    const inf = await ctx.user('influencer');
    await onboard(ctx, inf, NO_ACCOUNT_BANK);
    const first = await funded(ctx, company, inf, { amount: 20000, paymentMethod: 'pm_card_bypassPending' });
    await releaseAll(first.collaboration.id);
    const payout = await ctx.http.post('/api/wallet/payout', { amount: 15000, currency: 'usd' }, { token: inf.token });
    expect(payout.status).toBe(201);
    expect((await clawback(first.paymentId, 20000)).status).toBe(200);
    expect(await walletOwed(ctx, inf)).toBe(15000);
    // the bank refuses the payout: its 15000 comes back to the wallet (and its transfer is reversed)
    await settlePayouts(ctx);
    await eventually(async () => (await payoutStatus(ctx, inf, payout.body.id)).status === 'FAILED', 10_000, 'payout FAILED');
    await eventually(
      async () => (await ctx.db.query(`SELECT 1 FROM payouts WHERE id = $1 AND stripe_reversal_id IS NOT NULL`, [payout.body.id])).length,
      10_000,
      'reversal recorded',
    );
    expect(await walletAvailable(ctx, inf)).toBe(15000);
    expect(await figures(inf)).toMatchObject({ available: 15000, owed: 15000, availableForPayout: 0 });
    expect(await ctx.http.post('/api/wallet/payout', { amount: 100, currency: 'usd' }, { token: inf.token })).toMatchObject({
      status: 409,
      body: { code: 'BALANCE_OWED' },
    });
    expect(await ctx.app.get(WalletCreditsRepository).mismatches(inf.id)).toEqual([]);
    await expectLedgerClean(ctx);
  });

  it('a card dispute lost after release is recovered the same way', async () => {
    const inf = await ctx.user('influencer');
    const { collaboration: c, paymentId } = await funded(ctx, company, inf, {
      amount: 10000,
      milestones: [
        { title: 'a', amount: 4000 },
        { title: 'b', amount: 6000 },
      ],
    });
    await approve(ctx, company, c.id, (await ctx.http.get(`/api/collaborations/${c.id}`, { token: company.token })).body.milestones[0].id);
    expect(await walletAvailable(ctx, inf)).toBe(3600);
    const p = (await ctx.http.get(`/api/payments/${paymentId}`, { token: company.token })).body;
    const pi = await ctx.stripe.paymentIntents.retrieve(p.stripePaymentIntentId);
    const service = ctx.app.get(PaymentsService);
    const dispute: any = {
      id: `dp_wf_${Date.now()}`,
      amount: 10000,
      currency: 'usd',
      charge: pi.latest_charge,
      payment_intent: pi.id,
      status: 'needs_response',
    };
    await ctx.db.transaction((em) => service.applyDispute(em, dispute, 'opened'));
    await ctx.db.transaction((em) => service.applyDispute(em, { ...dispute, status: 'lost' }, 'closed'));
    // 6000 held covers part; 4000 released: 400 fee back, 3600 from the wallet
    const after = (await ctx.http.get(`/api/payments/${paymentId}`, { token: company.token })).body;
    expect(after).toMatchObject({ amountRefunded: 6000, amountReleased: 4000, amountClawedBack: 4000 });
    expect(await walletAvailable(ctx, inf)).toBe(0);
    expect(await walletOwed(ctx, inf)).toBe(0);
    expect(await balance(ctx, Accounts.disputeLosses)).toBe(0);
    // the released milestone's wallet credit is closed with it: nothing of that charge is left to transfer
    expect(await ctx.app.get(WalletCreditsRepository).mismatches(inf.id)).toEqual([]);
    expect((await ctx.app.get(WalletCreditsRepository).open(inf.id, 'usd')).length).toBe(0);
    await expectLedgerClean(ctx);
  });

  it('the debt account can never go below zero either: the database refuses it', async () => {
    const inf = await ctx.user('influencer');
    const ledger = ctx.app.get(LedgerService);
    const attempt = ctx.db.transaction((em) =>
      ledger.post(em, {
        type: 'test',
        referenceType: 'test',
        referenceId: inf.id,
        description: 'credit a debt that does not exist',
        lines: [
          { account: Accounts.walletOwed(inf.id), currency: 'usd', amount: -100 },
          { account: Accounts.stripeBalance, currency: 'usd', amount: 100 },
        ],
      }),
    );
    await expect(attempt).rejects.toMatchObject({ code: 'INSUFFICIENT_FUNDS' });
    const [row] = await ctx.db.query(`SELECT non_negative FROM ledger_accounts WHERE code = $1`, [Accounts.walletOwed(inf.id)]);
    expect(row?.non_negative ?? true).toBe(true);
  });

  it('bad input and non-admins: 4xx with stable codes', async () => {
    const inf = await ctx.user('influencer');
    const { paymentId } = await funded(ctx, company, inf, { amount: 5000 });
    expect(await clawback(paymentId, 100)).toMatchObject({ status: 409, body: { code: 'AMOUNT_EXCEEDS_RELEASED' } });
    for (const body of [
      { amount: 0, reason: 'x' },
      { amount: 1.5, reason: 'x' },
      { amount: 100 },
      { amount: 100, reason: '' },
      { amount: '100', reason: 'x' },
    ]) {
      const r = await ctx.http.post(`/api/admin/payments/${paymentId}/clawback`, body, { token: admin.token });
      expect({ body, status: r.status, code: r.body.code }).toEqual({ body, status: 400, code: 'VALIDATION_FAILED' });
    }
    expect((await ctx.http.post(`/api/admin/payments/${paymentId}/clawback`, { amount: 100, reason: 'x' }, { token: company.token })).status).toBe(403);
    expect(await clawback('00000000-0000-4000-8000-000000000000', 100)).toMatchObject({ status: 404, body: { code: 'PAYMENT_NOT_FOUND' } });
  });
});
