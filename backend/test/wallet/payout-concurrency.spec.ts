import { Accounts } from '../../src/modules/ledger/domain/accounts';
import { transferGroup } from '../../src/modules/payouts/payout-execution.service';
import { balance, expectLedgerClean } from '../support/flows';
import { createTestContext, TestContext, TestUser } from '../support/test-app';
import { earn, onboard, PAYOUT_DELAYS } from './support';

describe('payouts under concurrency (real Postgres, Redis and the Stripe emulator)', () => {
  let ctx: TestContext;
  let company: TestUser;

  beforeAll(async () => {
    ctx = await createTestContext({ label: 'payoutrace', env: { PAYOUT_RECONCILE_INTERVAL_MS: '0' }, emulator: { delays: PAYOUT_DELAYS } });
    company = await ctx.user('company', 'Acme');
  });
  afterAll(() => ctx?.close());

  it('100 concurrent payout requests worth three times the balance: the wallet never goes negative', async () => {
    const ivy = await ctx.user('influencer', 'Ivy');
    const accountId = await onboard(ctx, ivy);
    await earn(ctx, company, ivy, 150000);
    const start = await balance(ctx, Accounts.walletAvailable(ivy.id));
    expect(start).toBe(135000);
    const each = (start * 3) / 100; // 4050: the 100 requests sum to 3 × the balance
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        ctx.http.post('/api/wallet/payout', { amount: each, currency: 'usd' }, { token: ivy.token, headers: { 'Idempotency-Key': `race-${i}` } }),
      ),
    );
    const unexpected = results.filter((r) => !(r.status === 201 || (r.status === 409 && r.body.code === 'INSUFFICIENT_FUNDS')));
    expect(unexpected.map((r) => [r.status, r.body])).toEqual([]);
    const accepted = results.filter((r) => r.status === 201);
    const refused = results.filter((r) => r.status === 409);
    expect(accepted.length + refused.length).toBe(100);
    expect(accepted.length * each).toBeLessThanOrEqual(start);
    // the balance is consumed until the next request no longer fits
    expect(accepted.length).toBe(Math.floor(start / each));
    expect(new Set(accepted.map((r) => r.body.id)).size).toBe(accepted.length);
    expect(accepted.every((r) => r.body.status === 'IN_TRANSIT')).toBe(true);
    expect(refused[0].body).toMatchObject({ statusCode: 409, error: 'Conflict', code: 'INSUFFICIENT_FUNDS', message: expect.any(String) });

    const available = await balance(ctx, Accounts.walletAvailable(ivy.id));
    expect(available).toBe(start - accepted.length * each);
    expect(await balance(ctx, Accounts.payoutsInTransit(ivy.id))).toBe(accepted.length * each);
    // not a single posting ever took the wallet below zero, and the refused requests left no trace
    const [{ min }] = await ctx.db.query(`SELECT min(balance_after)::bigint AS min FROM postings WHERE account_code = $1`, [Accounts.walletAvailable(ivy.id)]);
    expect(Number(min)).toBeGreaterThanOrEqual(0);
    const [{ n }] = await ctx.db.query(`SELECT count(*)::int AS n FROM payouts WHERE user_id = $1`, [ivy.id]);
    expect(n).toBe(accepted.length);
    // one Stripe transfer and one Stripe payout per accepted request
    const onStripe = (await ctx.stripe.payouts.list({ limit: 100 }, { stripeAccount: accountId })).data;
    expect(onStripe).toHaveLength(accepted.length);
    expect(onStripe.reduce((s, p) => s + p.amount, 0)).toBe(accepted.length * each);
    const bal = await ctx.http.get('/api/wallet/balance', { token: ivy.token });
    expect(bal.body.balances).toEqual([
      {
        currency: 'usd',
        available,
        pending: accepted.length * each,
        totalEarned: start,
        totalWithdrawn: 0,
        owed: 0,
        availableForPayout: available,
        nextAvailableOn: null,
      },
    ]);
    await expectLedgerClean(ctx);
  });

  it('the same Idempotency-Key sent 20 times at once creates one payout, one transfer and one Stripe payout', async () => {
    const jo = await ctx.user('influencer', 'Jo');
    const accountId = await onboard(ctx, jo);
    await earn(ctx, company, jo, 100000);
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        ctx.http.post('/api/wallet/payout', { amount: 25000, currency: 'usd' }, { token: jo.token, headers: { 'Idempotency-Key': 'jo-once' } }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(201));
    const ids = new Set(results.map((r) => r.body.id));
    expect(ids.size).toBe(1);
    const [id] = [...ids];
    const [{ n }] = await ctx.db.query(`SELECT count(*)::int AS n FROM payouts WHERE user_id = $1`, [jo.id]);
    expect(n).toBe(1);
    expect(await balance(ctx, Accounts.walletAvailable(jo.id))).toBe(90000 - 25000);
    expect((await ctx.stripe.transfers.list({ transfer_group: transferGroup(id) })).data).toHaveLength(1);
    const onStripe = (await ctx.stripe.payouts.list({ limit: 100 }, { stripeAccount: accountId })).data;
    expect(onStripe.map((p) => [p.amount, p.metadata?.payout_id])).toEqual([[25000, id]]);
    await expectLedgerClean(ctx);
  });
});
