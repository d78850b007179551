import { payoutKey, PayoutExecutionService, reversalKey, transferGroup, transferKey } from '../../src/modules/payouts/payout-execution.service';
import { PayoutRepository } from '../../src/modules/payouts/payout.repository';
import { expectLedgerClean, payWith, proposeAndAccept } from '../support/flows';
import { createTestContext, eventually, TestContext, TestUser } from '../support/test-app';
import { NO_ACCOUNT_BANK, onboard, PAYOUT_DELAYS, settlePayouts } from './support';

/**
 * Every Stripe call of payouts and Connect is safe to retry after a lost response: the emulator's fault injection
 * applies a request fully and then destroys the socket (`lose_response`), three times in a row so that the SDK's own
 * retries (2) are exhausted too and our reconciliation has to resume. A retry never creates a second object or moves
 * money twice, because each call carries an idempotency key derived from what it is for (asserted on the events).
 */
describe('lost Stripe responses on the payout, transfer, reversal, account and link call sites (emulator fault injection)', () => {
  let ctx: TestContext;
  let company: TestUser;

  beforeAll(async () => {
    ctx = await createTestContext({ label: 'lostresp', env: { PAYOUT_RECONCILE_INTERVAL_MS: '0' }, emulator: { delays: PAYOUT_DELAYS } });
    company = await ctx.user('company', 'Acme');
  });
  afterEach(() => ctx.emulator.faults.clear());
  afterAll(() => ctx?.close());

  const LOST_EVERY_TIME = 3; // the first try and the server SDK's two retries

  async function earn(influencer: TestUser, amount: number, release = true) {
    const { collaboration, paymentId } = await proposeAndAccept(ctx, company, influencer, { amount });
    await payWith(ctx, company, collaboration.id, 'pm_card_bypassPending');
    if (release) expect((await ctx.http.post(`/api/payments/collaboration/${collaboration.id}/release`, {}, { token: company.token })).status).toBe(200);
    const [{ charge }] = await ctx.db.query(`SELECT stripe_charge_id AS charge FROM payments WHERE id = $1`, [paymentId]);
    return { collaboration, charge: charge as string };
  }

  const keysOf = async (type: string, match: (o: any) => boolean) =>
    (await ctx.stripe.events.list({ type, limit: 100 })).data.filter((e) => match(e.data.object)).map((e) => e.request?.idempotency_key);

  it('transfers: lost responses leave the payout PENDING; the next attempt finds them, one transfer per charge, never two', async () => {
    const ava = await ctx.user('influencer', 'Ava');
    const accountId = await onboard(ctx, ava);
    const a = await earn(ava, 10000); // 9000
    const b = await earn(ava, 20000); // 18000
    ctx.emulator.faults.add({ method: 'POST', path: '^/v1/transfers$', mode: 'lose_response', times: LOST_EVERY_TIME });
    const res = await ctx.http.post('/api/wallet/payout', { amount: 15000, currency: 'usd' }, { token: ava.token });
    expect([res.status, res.body.status]).toEqual([201, 'PENDING']);
    // the transfer landed at Stripe although we never heard back
    expect((await ctx.stripe.transfers.list({ transfer_group: transferGroup(res.body.id) })).data).toHaveLength(1);

    const after = await ctx.app.get(PayoutExecutionService).execute(res.body.id);
    expect(after!.status).toBe('IN_TRANSIT');
    const transfers = (await ctx.stripe.transfers.list({ transfer_group: transferGroup(res.body.id) })).data;
    expect(transfers.map((t) => [t.source_transaction, t.amount]).sort()).toEqual(
      [
        [a.charge, 9000],
        [b.charge, 6000],
      ].sort(),
    );
    // each transfer was asked for with its own deterministic key (payout + charge)
    for (const t of transfers) {
      expect(await keysOf('transfer.created', (o) => o.id === t.id)).toEqual([transferKey(res.body.id, t.source_transaction as string)]);
    }
    expect((await ctx.stripe.payouts.list({ limit: 10 }, { stripeAccount: accountId })).data.map((p) => p.amount)).toEqual([15000]);
    await expectLedgerClean(ctx);
  });

  it('payouts: a lost response on the connected account’s payout is resolved by finding it, never by a second payout', async () => {
    const ben = await ctx.user('influencer', 'Ben');
    const accountId = await onboard(ctx, ben);
    await earn(ben, 20000);
    ctx.emulator.faults.add({ method: 'POST', path: '^/v1/payouts$', mode: 'lose_response', times: LOST_EVERY_TIME });
    const res = await ctx.http.post('/api/wallet/payout', { amount: 10000, currency: 'usd' }, { token: ben.token });
    expect([res.status, res.body.status]).toEqual([201, 'PENDING']);
    const repo = ctx.app.get(PayoutRepository);
    expect((await repo.findById(res.body.id))!.stripeTransferId).toMatch(/^tr_/);

    // reconciliation picks it up once it is due
    await ctx.db.query(`UPDATE payouts SET next_attempt_at = now(), updated_at = now() - interval '1 minute' WHERE id = $1`, [res.body.id]);
    const r = await ctx.app.get(PayoutExecutionService).reconcile({ olderThanMs: 0 });
    expect(r.errors).toEqual([]);
    expect((await repo.findById(res.body.id))!.status).toBe('IN_TRANSIT');
    const onStripe = (await ctx.stripe.payouts.list({ limit: 10 }, { stripeAccount: accountId })).data;
    expect(onStripe.map((p) => [p.amount, p.metadata?.payout_id])).toEqual([[10000, res.body.id]]);
    const events = (await ctx.stripe.events.list({ type: 'payout.created', limit: 100 }, { stripeAccount: accountId })).data;
    expect(events.map((e) => e.request?.idempotency_key)).toEqual([payoutKey(res.body.id)]);
    await expectLedgerClean(ctx);
  });

  it('reversals: a failed payout’s transfer is taken back exactly once despite lost responses', async () => {
    const cleo = await ctx.user('influencer', 'Cleo');
    await onboard(ctx, cleo, NO_ACCOUNT_BANK);
    const { charge } = await earn(cleo, 20000);
    const res = await ctx.http.post('/api/wallet/payout', { amount: 12000, currency: 'usd' }, { token: cleo.token });
    expect(res.body.status).toBe('IN_TRANSIT');
    ctx.emulator.faults.add({ method: 'POST', path: '^/v1/transfers/[^/]+/reversals$', mode: 'lose_response', times: LOST_EVERY_TIME });
    await settlePayouts(ctx); // the bank refuses: payout.failed → FAILED → reversal job (retried after the lost responses)
    const repo = ctx.app.get(PayoutRepository);
    await eventually(async () => (await repo.findById(res.body.id))?.stripeReversalId, 20_000, 'reversal recorded');
    const [t] = (await ctx.stripe.transfers.list({ transfer_group: transferGroup(res.body.id) })).data;
    const tr = await ctx.stripe.transfers.retrieve(t.id);
    expect([tr.amount_reversed, tr.reversals.data.length]).toEqual([12000, 1]);
    expect(await keysOf('transfer.reversed', (o) => o.id === t.id)).toEqual([reversalKey(res.body.id, charge)]);
    // and the money is payable again from the same charge
    expect((await ctx.http.get('/api/wallet/balance', { token: cleo.token })).body.balances[0]).toMatchObject({ available: 18000, availableForPayout: 18000 });
    await expectLedgerClean(ctx);
  });

  it('accounts: a lost response on account creation is answered 502; the next click gets the same account, only one exists', async () => {
    const dan = await ctx.user('influencer', 'Dan');
    ctx.emulator.faults.add({ method: 'POST', path: '^/v1/accounts$', mode: 'lose_response', times: LOST_EVERY_TIME });
    const lost = await ctx.http.post('/api/connect/account', {}, { token: dan.token });
    expect([lost.status, lost.body.code]).toEqual([502, 'STRIPE_UNAVAILABLE']);
    expect((await ctx.http.get('/api/connect/status', { token: dan.token })).body.status).toBe('NOT_STARTED');
    const again = await ctx.http.post('/api/connect/account', {}, { token: dan.token });
    expect(again.status).toBe(201);
    const mine = [];
    for await (const a of ctx.stripe.accounts.list({ limit: 100 })) if (a.metadata?.user_id === dan.id) mine.push(a);
    expect(mine.map((a) => a.id)).toEqual([again.body.accountId]);
    expect((await ctx.http.get('/api/connect/status', { token: dan.token })).body).toMatchObject({ status: 'PENDING', accountId: again.body.accountId });
  });

  it('accounts: a reservation older than Stripe keeps idempotency keys is completed with the account found by its metadata', async () => {
    const hal = await ctx.user('influencer', 'Hal');
    // the process died a day ago between Stripe creating the account and us recording it
    await ctx.db.query(`INSERT INTO connected_accounts (user_id, status, created_at) VALUES ($1, 'PENDING', now() - interval '25 hours')`, [hal.id]);
    const lostAccount = await ctx.stripe.accounts.create({ type: 'express', email: hal.email, metadata: { user_id: hal.id } });
    const res = await ctx.http.post('/api/connect/account', {}, { token: hal.token });
    expect([res.status, res.body.accountId]).toEqual([201, lostAccount.id]);
    const mine = [];
    for await (const a of ctx.stripe.accounts.list({ limit: 100 })) if (a.metadata?.user_id === hal.id) mine.push(a.id);
    expect(mine).toEqual([lostAccount.id]);
  });

  it('accounts: concurrent creations while Stripe is slow converge on one account (no lock held across the call)', async () => {
    const eve = await ctx.user('influencer', 'Eve');
    ctx.emulator.faults.add({ method: 'POST', path: '^/v1/accounts$', mode: 'delay', delayMs: 800, times: 1 });
    let firstDone = false;
    const first = ctx.http.post('/api/connect/account', {}, { token: eve.token }).then((r) => {
      firstDone = true;
      return r;
    });
    await eventually(() => ctx.emulator.faults.list()[0]?.hits === 1, 5_000, 'the first creation reaching Stripe');
    // while Stripe holds the first call, the user's rows are not locked: status answers, a second click proceeds
    expect((await ctx.http.get('/api/connect/status', { token: eve.token })).body.status).toBe('NOT_STARTED');
    const second = await ctx.http.post('/api/connect/account', {}, { token: eve.token });
    expect([second.status, firstDone]).toEqual([201, false]);
    const firstRes = await first;
    expect([firstRes.status, second.status]).toEqual([201, 201]);
    expect(firstRes.body.accountId).toBe(second.body.accountId);
    const mine = [];
    for await (const a of ctx.stripe.accounts.list({ limit: 100 })) if (a.metadata?.user_id === eve.id) mine.push(a.id);
    expect(mine).toEqual([firstRes.body.accountId]);
  });

  it('no lock is held while a payout’s transfer is at Stripe: a release to the same wallet and the balance answer meanwhile', async () => {
    const fay = await ctx.user('influencer', 'Fay');
    await onboard(ctx, fay);
    await earn(fay, 20000);
    const held = await earn(fay, 10000, false);
    ctx.emulator.faults.add({ method: 'POST', path: '^/v1/transfers$', mode: 'delay', delayMs: 1500, times: 1 });
    let payoutDone = false;
    const payout = ctx.http.post('/api/wallet/payout', { amount: 18000, currency: 'usd' }, { token: fay.token }).then((r) => {
      payoutDone = true;
      return r;
    });
    await eventually(() => ctx.emulator.faults.list()[0]?.hits === 1, 5_000, 'the transfer reaching Stripe');
    const release = await ctx.http.post(`/api/payments/collaboration/${held.collaboration.id}/release`, {}, { token: company.token });
    const bal = await ctx.http.get('/api/wallet/balance', { token: fay.token });
    expect([release.status, bal.status, payoutDone]).toEqual([200, 200, false]);
    expect(bal.body.balances[0]).toMatchObject({ available: 9000, pending: 18000 });
    expect((await payout).body.status).toBe('IN_TRANSIT');
    await expectLedgerClean(ctx);
  });

  it('login and onboarding links survive a lost response (the SDK retries with our key) and refuse what is not ready', async () => {
    const gus = await ctx.user('influencer', 'Gus');
    const none = await ctx.http.post('/api/connect/login-link', {}, { token: gus.token });
    expect([none.status, none.body.code]).toEqual([409, 'CONNECT_ACCOUNT_MISSING']);
    expect((await ctx.http.post('/api/connect/login-link', {}, { token: company.token })).status).toBe(403);
    await ctx.http.post('/api/connect/account', {}, { token: gus.token });
    const early = await ctx.http.post('/api/connect/login-link', {}, { token: gus.token });
    expect([early.status, early.body.code]).toEqual([409, 'CONNECT_ONBOARDING_INCOMPLETE']);

    ctx.emulator.faults.add({ method: 'POST', path: '^/v1/account_links$', mode: 'lose_response', times: 1 });
    const link = await ctx.http.post(
      '/api/connect/account-link',
      { returnUrl: `${ctx.baseUrl}/connect/return`, refreshUrl: `${ctx.baseUrl}/connect/refresh` },
      { token: gus.token },
    );
    expect([link.status, typeof link.body.url]).toEqual([201, 'string']);
    await onboard(ctx, gus);
    ctx.emulator.faults.add({ method: 'POST', path: '^/v1/accounts/[^/]+/login_links$', mode: 'lose_response', times: 1 });
    const login = await ctx.http.post('/api/connect/login-link', {}, { token: gus.token });
    expect(login.status).toBe(201);
    expect(login.body).toEqual({ url: expect.stringMatching(/^https?:\/\//) });
    ctx.emulator.faults.add({ method: 'POST', path: '^/v1/accounts/[^/]+/login_links$', mode: 'reset_before', times: LOST_EVERY_TIME });
    const down = await ctx.http.post('/api/connect/login-link', {}, { token: gus.token });
    expect([down.status, down.body.code]).toEqual([502, 'STRIPE_UNAVAILABLE']);
  });
});
