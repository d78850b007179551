import { ConnectService } from '../../src/modules/connect/connect.service';
import { PayoutExecutionService, transferGroup } from '../../src/modules/payouts/payout-execution.service';
import { PayoutRepository } from '../../src/modules/payouts/payout.repository';
import { createTestContext, eventually, TestContext, TestUser } from '../support/test-app';
import { completeHostedOnboarding, connectRow, earn, NO_ACCOUNT_BANK, onboard, PAYOUT_DELAYS, settlePayouts } from '../wallet/support';
import { T } from './call-sites';
import { byMetadata, expectFaultsSpent, expectLedgerCheckClean, expectOwnKeys, fault, loseEveryAttempt, sdkAttempts, StripeWire } from './support';

/**
 * Payouts and Connect: one Transfer per charge the payout draws on (`source_transaction`), then a Payout on the
 * connected account, each with a key from the payout id (and the charge); reconciliation resumes a payout whose Stripe
 * calls landed without an answer.
 */
describe('Stripe fault injection: Connect and payouts (real Postgres, Redis, webhooks and the emulator via the SDK)', () => {
  let ctx: TestContext;
  let company: TestUser;
  let admin: TestUser;
  let wire: StripeWire;

  beforeAll(async () => {
    ctx = await createTestContext({ label: 'faults-payouts', env: { PAYOUT_RECONCILE_INTERVAL_MS: '0' }, emulator: { delays: PAYOUT_DELAYS } });
    company = await ctx.user('company', 'Acme');
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

  const execution = () => ctx.app.get(PayoutExecutionService);
  const payout = (id: string) => ctx.app.get(PayoutRepository).findById(id);
  /** the next attempt is due now (instead of after its back-off), then reconciliation runs */
  const reconcileNow = async (id: string) => {
    await ctx.db.query(`UPDATE payouts SET next_attempt_at = now() - interval '1 second', updated_at = now() - interval '1 minute' WHERE id = $1`, [id]);
    return execution().reconcile({ olderThanMs: 0 });
  };
  const wallet = async (user: TestUser) => (await ctx.http.get('/api/wallet/balance', { token: user.token })).body.balances;

  it(T.connect, async () => {
    const ava = await ctx.user('influencer', 'Ava');
    loseEveryAttempt(ctx, 'POST', '^/v1/accounts$');
    const headers = { 'Idempotency-Key': 'connect-1' };
    expect((await ctx.http.post('/api/connect/account', {}, { token: ava.token, headers })).status).toBe(502);
    expectFaultsSpent(ctx);
    const created = await ctx.http.post('/api/connect/account', {}, { token: ava.token, headers });
    expect(created.status).toBe(201);
    const mine = (await ctx.stripe.accounts.list({ limit: 100 }).autoPagingToArray({ limit: 10_000 })).filter(byMetadata('user_id', ava.id));
    expect(mine.map((a) => a.id)).toEqual([created.body.accountId]);
    expectOwnKeys(wire.posts(/^\/v1\/accounts$/), `collabpay-connect-account-${ava.id}`);

    // a link whose answer is lost is never seen by anyone: the retry's fresh link onboards
    loseEveryAttempt(ctx, 'POST', '^/v1/account_links$');
    const urls = { returnUrl: `${ctx.baseUrl}/connect/return`, refreshUrl: `${ctx.baseUrl}/connect/refresh` };
    expect((await ctx.http.post('/api/connect/account-link', urls, { token: ava.token })).status).toBe(502);
    expectFaultsSpent(ctx);
    const link = await ctx.http.post('/api/connect/account-link', urls, { token: ava.token });
    expect(link.status).toBe(201);
    expect((await completeHostedOnboarding(link.body.url)).status).toBe(302);
    await eventually(async () => (await connectRow(ctx, ava.id))?.status === 'ACTIVE', 10_000, 'ACTIVE');

    // reading the account fails (500, reset): the stored state stays, the next read works
    const connect = ctx.app.get(ConnectService);
    fault(ctx, { method: 'GET', path: `^/v1/accounts/${created.body.accountId}$`, mode: 'error_before', times: sdkAttempts(ctx) });
    await expect(connect.refresh(created.body.accountId)).rejects.toThrow();
    fault(ctx, { method: 'GET', path: `^/v1/accounts/${created.body.accountId}$`, mode: 'reset_before', times: sdkAttempts(ctx) });
    await expect(connect.refresh(created.body.accountId)).rejects.toThrow();
    expectFaultsSpent(ctx);
    expect((await connectRow(ctx, ava.id))?.status).toBe('ACTIVE');
    expect((await connect.refresh(created.body.accountId))?.status).toBe('ACTIVE');
  });

  it(T.payout, async () => {
    const ben = await ctx.user('influencer', 'Ben');
    const accountId = await onboard(ctx, ben);
    await earn(ctx, company, ben, 100000);

    // the transfer lands, its answers are lost (and so are the webhooks, which would tell us too): the payout stays
    // PENDING with the money reserved
    ctx.emulator.setDeliveryPaused(true);
    loseEveryAttempt(ctx, 'POST', '^/v1/transfers$');
    const res = await ctx.http.post('/api/wallet/payout', { amount: 30000, currency: 'usd' }, { token: ben.token, headers: { 'Idempotency-Key': 'payout-1' } });
    expect(res.status).toBe(201);
    expect(res.body.status).toBe('PENDING');
    const id = res.body.id as string;
    expectFaultsSpent(ctx);

    // reconciliation cannot look the transfer up (500s): nothing is repeated
    fault(ctx, { method: 'GET', path: '^/v1/transfers$', mode: 'error_before', times: sdkAttempts(ctx) });
    expect((await reconcileNow(id)).pending).toBe(1);
    expectFaultsSpent(ctx);
    expect((await payout(id))!.status).toBe('PENDING');

    // it finds the transfer; the payout lands, its answers are lost
    loseEveryAttempt(ctx, 'POST', '^/v1/payouts$');
    await reconcileNow(id);
    expectFaultsSpent(ctx);
    expect((await payout(id))!).toMatchObject({ status: 'PENDING', stripeTransferId: expect.stringMatching(/^tr_/) });

    // looking the payout up fails (resets), then works: IN_TRANSIT with the payout Stripe made
    fault(ctx, { method: 'GET', path: '^/v1/payouts$', mode: 'reset_before', times: sdkAttempts(ctx) });
    await reconcileNow(id);
    expectFaultsSpent(ctx);
    expect((await payout(id))!.status).toBe('PENDING');
    await reconcileNow(id);
    expect((await payout(id))!).toMatchObject({ status: 'IN_TRANSIT', stripePayoutId: expect.stringMatching(/^po_/) });
    ctx.emulator.setDeliveryPaused(false);

    // payout.paid is missed and the first re-reads fail: reconciliation re-reads it
    ctx.emulator.setDeliveryPaused(true);
    try {
      await ctx.emulator.advanceTime();
      fault(ctx, { method: 'GET', path: '^/v1/payouts/po_[^/]+$', mode: 'error_before', times: sdkAttempts(ctx) });
      expect((await execution().reconcile({ olderThanMs: 0, inTransitOlderThanMs: 0 })).errors).toHaveLength(1);
      expectFaultsSpent(ctx);
      expect((await payout(id))!.status).toBe('IN_TRANSIT');
      expect((await execution().reconcile({ olderThanMs: 0, inTransitOlderThanMs: 0 })).errors).toEqual([]);
    } finally {
      ctx.emulator.setDeliveryPaused(false);
    }
    expect((await payout(id))!.status).toBe('COMPLETED');

    // money moved once: one transfer, one payout, the wallet debited once
    expect((await ctx.stripe.transfers.list({ transfer_group: transferGroup(id), limit: 100 })).data.map((t) => t.amount)).toEqual([30000]);
    const payouts = (await ctx.stripe.payouts.list({ limit: 100 }, { stripeAccount: accountId })).data.filter(byMetadata('payout_id', id));
    expect(payouts.map((p) => [p.amount, p.status])).toEqual([[30000, 'paid']]);
    expect(await wallet(ben)).toEqual([
      { currency: 'usd', available: 60000, pending: 0, totalEarned: 90000, totalWithdrawn: 30000, owed: 0, availableForPayout: 60000, nextAvailableOn: null },
    ]);
    const [{ charge }] = await ctx.db.query(`SELECT source AS charge FROM payout_transfers WHERE payout_id = $1`, [id]);
    expect(charge).toMatch(/^ch_/);
    expectOwnKeys(wire.posts(/^\/v1\/transfers$/), `collabpay-payout-transfer-${id}-${charge}`);
    expectOwnKeys(wire.posts(/^\/v1\/payouts$/), `collabpay-payout-${id}`);
    await expectLedgerCheckClean(ctx, admin);
  });

  it(T.reversal, async () => {
    const cleo = await ctx.user('influencer', 'Cleo');
    await onboard(ctx, cleo, NO_ACCOUNT_BANK);
    await earn(ctx, company, cleo, 30000);
    const res = await ctx.http.post('/api/wallet/payout', { amount: 20000, currency: 'usd' }, { token: cleo.token });
    expect(res.body.status).toBe('IN_TRANSIT');
    const id = res.body.id as string;
    const transferId = (await payout(id))!.stripeTransferId!;

    // the bank account fails the payout; the reversal lands but its answers are lost, and so do the re-reads
    loseEveryAttempt(ctx, 'POST', `^/v1/transfers/${transferId}/reversals$`);
    fault(ctx, { method: 'GET', path: `^/v1/transfers/${transferId}$`, mode: 'error_before', times: sdkAttempts(ctx) });
    await settlePayouts(ctx);
    await eventually(async () => (await payout(id))?.status === 'FAILED', 10_000, 'payout FAILED');
    await eventually(async () => ctx.emulator.faults.list().every((f) => f.times === 0), 15_000, 'faults hit');
    // whatever the queue job managed, reconciliation finishes it with the same key
    await eventually(
      async () => {
        if ((await payout(id))?.stripeReversalId) return true;
        await execution().reconcile({ olderThanMs: 0 });
        return false;
      },
      15_000,
      'reversal recorded',
    );
    const tr = await ctx.stripe.transfers.retrieve(transferId);
    expect(tr.amount_reversed).toBe(20000);
    expect(tr.reversals.data.map((r) => r.amount)).toEqual([20000]);
    expect((await payout(id))!.stripeReversalId).toBe(tr.reversals.data[0].id);
    expectOwnKeys(wire.posts(new RegExp(`^/v1/transfers/${transferId}/reversals$`)), `collabpay-payout-reversal-${id}-${tr.source_transaction}`);
    expect(await wallet(cleo)).toEqual([
      { currency: 'usd', available: 27000, pending: 0, totalEarned: 27000, totalWithdrawn: 0, owed: 0, availableForPayout: 27000, nextAvailableOn: null },
    ]);
    await expectLedgerCheckClean(ctx, admin);
  });
});
