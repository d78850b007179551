import type Stripe from 'stripe';
import { transferGroup } from '../../src/modules/payouts/payout-execution.service';
import { Accounts } from '../../src/modules/ledger/domain/accounts';
import { LedgerService } from '../../src/modules/ledger/ledger.service';
import { PayoutRepository } from '../../src/modules/payouts/payout.repository';
import { PayoutStateService } from '../../src/modules/payouts/payout-state.service';
import { WalletCreditsRepository } from '../../src/modules/wallet/wallet-credits.repository';
import { expectLedgerClean, payWith, proposeAndAccept } from '../support/flows';
import { createTestContext, eventually, TestContext, TestUser } from '../support/test-app';
import { onboard, PAYOUT_DELAYS } from './support';

const DAY_MS = 86_400_000;
/** Like Stripe: a card payment's funds are pending for about two days (4000000000000077 skips that). */
const AVAILABLE_MS = 2 * DAY_MS;

/**
 * Money released from a payment is paid out against that payment's charge, as Stripe requires: a payout draws on the
 * wallet's credits first-in first-out, only on those whose charge's funds are available at Stripe, and makes one
 * Transfer per charge with `source_transaction`. Real Postgres, Redis, webhooks and the Stripe emulator with
 * pending balances and an emulated clock.
 */
describe('payouts against charges: availability, source_transaction, split, race (Stripe emulator with pending funds)', () => {
  let ctx: TestContext;
  let company: TestUser;

  beforeAll(async () => {
    ctx = await createTestContext({
      label: 'funds',
      env: { PAYOUT_RECONCILE_INTERVAL_MS: '0' },
      emulator: { delays: { ...PAYOUT_DELAYS, availableMs: AVAILABLE_MS } },
    });
    company = await ctx.user('company', 'Acme');
  });
  afterAll(() => ctx?.close());

  /** A paid collaboration released in full (wallet credited 90%): returns the payment's Stripe charge. */
  async function earnWith(influencer: TestUser, amount: number, paymentMethod: string, milestones?: Array<{ title: string; amount: number }>) {
    const { collaboration, paymentId } = await proposeAndAccept(ctx, company, influencer, { amount, milestones });
    const paid = await payWith(ctx, company, collaboration.id, paymentMethod);
    if (paid.payment.status !== 'HELD') throw new Error(`payment not held: ${JSON.stringify(paid.payment)}`);
    if (!milestones) {
      const r = await ctx.http.post(`/api/payments/collaboration/${collaboration.id}/release`, {}, { token: company.token });
      if (r.status !== 200) throw new Error(`release: ${r.status} ${JSON.stringify(r.body)}`);
    }
    const [{ charge }] = await ctx.db.query(`SELECT stripe_charge_id AS charge FROM payments WHERE id = $1`, [paymentId]);
    expect(charge).toMatch(/^ch_/);
    return { collaboration, paymentId, charge: charge as string };
  }

  const transfersOf = async (payoutId: string) =>
    (await ctx.stripe.transfers.list({ transfer_group: transferGroup(payoutId), limit: 100 })).data
      .map((t) => ({ amount: t.amount, source_transaction: t.source_transaction, destination: t.destination }))
      .sort((a, b) => String(a.source_transaction).localeCompare(String(b.source_transaction)));

  const wallet = async (u: TestUser) => (await ctx.http.get('/api/wallet/balance', { token: u.token })).body.balances[0];
  const payout = (u: TestUser, amount: number) => ctx.http.post('/api/wallet/payout', { amount, currency: 'usd' }, { token: u.token });

  it('a 4242 payment cannot be paid out before its funds are available; after the emulated clock passes available_on it can, against its charge', async () => {
    const ava = await ctx.user('influencer', 'Ava');
    const accountId = await onboard(ctx, ava);
    const { charge } = await earnWith(ava, 20000, 'pm_card_visa');
    const ch = await ctx.stripe.charges.retrieve(charge, { expand: ['balance_transaction'] });
    const bt = ch.balance_transaction as Stripe.BalanceTransaction;
    expect(bt.status).toBe('pending');
    const availableOn = new Date(bt.available_on * 1000).toISOString();

    expect(await wallet(ava)).toEqual({
      currency: 'usd',
      available: 18000,
      pending: 0,
      totalEarned: 18000,
      totalWithdrawn: 0,
      owed: 0,
      availableForPayout: 0,
      nextAvailableOn: availableOn,
    });
    // refused up front, naming the date; nothing recorded, nothing moved at Stripe
    const early = await payout(ava, 5000);
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({ code: 'FUNDS_NOT_YET_AVAILABLE', availableForPayout: 0, nextAvailableOn: availableOn });
    expect(early.body.message).toContain(availableOn.slice(0, 10));
    expect(await ctx.db.query(`SELECT id FROM payouts WHERE user_id = $1`, [ava.id])).toEqual([]);
    expect((await ctx.stripe.transfers.list({ destination: accountId })).data).toEqual([]);
    expect((await wallet(ava)).available).toBe(18000);

    // the account we created is on manual payouts: Stripe never pays anything out of it by itself
    expect((await ctx.stripe.accounts.retrieve(accountId)).settings?.payouts?.schedule?.interval).toBe('manual');

    // Stripe's clock (here the emulator's) passes available_on: the charge's funds are available
    await ctx.emulator.advanceTime(AVAILABLE_MS + 1000);
    expect(((await ctx.stripe.charges.retrieve(charge, { expand: ['balance_transaction'] })).balance_transaction as Stripe.BalanceTransaction).status).toBe(
      'available',
    );
    // balance.available (a platform event) makes the server re-read pending charges at the next look
    await ctx.emulator.flushWebhooks();
    await eventually(
      async () => (await ctx.db.query(`SELECT 1 FROM webhook_events WHERE type = 'balance.available' AND status = 'PROCESSED'`)).length,
      10_000,
      'balance.available processed',
    );
    expect(await ctx.db.query(`SELECT status, recheck FROM charge_funds WHERE stripe_charge_id = $1`, [charge])).toEqual([
      { status: 'pending', recheck: true },
    ]);
    // and the wallet's owner is told (wallet:update with the current figures), so an open wallet asks again
    const told = await ctx.db.query(
      `SELECT payload FROM outbox_events WHERE user_id = $1 AND event = 'wallet:update' AND payload->>'lastTransaction' IS NULL ORDER BY id DESC LIMIT 1`,
      [ava.id],
    );
    expect(told.map((r: { payload: unknown }) => r.payload)).toEqual([{ currency: 'usd', available: 18000, pending: 0, owed: 0, lastTransaction: null }]);
    expect(await wallet(ava)).toMatchObject({ available: 18000, availableForPayout: 18000, nextAvailableOn: null });
    expect(await ctx.db.query(`SELECT status, recheck FROM charge_funds WHERE stripe_charge_id = $1`, [charge])).toEqual([
      { status: 'available', recheck: false },
    ]);
    const ok = await payout(ava, 5000);
    expect(ok.status).toBe(201);
    expect(ok.body.status).toBe('IN_TRANSIT');
    expect(await transfersOf(ok.body.id)).toEqual([{ amount: 5000, source_transaction: charge, destination: accountId }]);
    expect(await wallet(ava)).toMatchObject({ available: 13000, pending: 5000, availableForPayout: 13000, nextAvailableOn: null });
    // days pass: only our own payout was ever made from the account (no automatic payout of the rest)
    await ctx.emulator.advanceTime(3 * DAY_MS);
    const payouts = (await ctx.stripe.payouts.list({ limit: 100 }, { stripeAccount: accountId })).data;
    expect(payouts.map((p) => [p.amount, p.automatic, p.metadata?.payout_id])).toEqual([[5000, false, ok.body.id]]);
    await expectLedgerClean(ctx);
  });

  it('one payout drawing on several charges makes one transfer per charge, oldest credit first, with exact amounts', async () => {
    const ben = await ctx.user('influencer', 'Ben');
    const accountId = await onboard(ctx, ben);
    const a = await earnWith(ben, 10000, 'pm_card_bypassPending'); // 9000 in the wallet
    const b = await earnWith(ben, 20000, 'pm_card_bypassPending'); // 18000
    expect(await wallet(ben)).toMatchObject({ available: 27000, availableForPayout: 27000, nextAvailableOn: null });

    const first = await payout(ben, 15000);
    expect([first.status, first.body.status]).toEqual([201, 'IN_TRANSIT']);
    const expected1 = [
      { amount: 9000, source_transaction: a.charge, destination: accountId },
      { amount: 6000, source_transaction: b.charge, destination: accountId },
    ].sort((x, y) => x.source_transaction.localeCompare(y.source_transaction));
    expect(await transfersOf(first.body.id)).toEqual(expected1);
    const second = await payout(ben, 12000);
    expect(await transfersOf(second.body.id)).toEqual([{ amount: 12000, source_transaction: b.charge, destination: accountId }]);
    // the connected account received exactly what each charge released, and paid out all of it
    const onStripe = (await ctx.stripe.payouts.list({ limit: 100 }, { stripeAccount: accountId })).data.map((p) => p.amount).sort();
    expect(onStripe).toEqual([12000, 15000]);
    expect(await wallet(ben)).toMatchObject({ available: 0, availableForPayout: 0 });
    const last = await payout(ben, 1000);
    expect([last.status, last.body.code]).toEqual([409, 'INSUFFICIENT_FUNDS']);
    expect(await ctx.app.get(WalletCreditsRepository).mismatches()).toEqual([]);
    await expectLedgerClean(ctx);
  });

  it('pays out only what is available: above it FUNDS_NOT_YET_AVAILABLE, above the wallet INSUFFICIENT_FUNDS', async () => {
    const cleo = await ctx.user('influencer', 'Cleo');
    await onboard(ctx, cleo);
    const a = await earnWith(cleo, 10000, 'pm_card_bypassPending'); // 9000, available at once
    const b = await earnWith(cleo, 20000, 'pm_card_visa'); // 18000, pending for two days
    const bt = (await ctx.stripe.charges.retrieve(b.charge, { expand: ['balance_transaction'] })).balance_transaction as Stripe.BalanceTransaction;
    const bOn = new Date(bt.available_on * 1000).toISOString();
    expect(await wallet(cleo)).toMatchObject({ available: 27000, availableForPayout: 9000, nextAvailableOn: bOn });

    const over = await payout(cleo, 9001);
    expect(over.status).toBe(409);
    expect(over.body).toMatchObject({ code: 'FUNDS_NOT_YET_AVAILABLE', availableForPayout: 9000, nextAvailableOn: bOn });
    const beyond = await payout(cleo, 27001);
    expect([beyond.status, beyond.body.code]).toEqual([409, 'INSUFFICIENT_FUNDS']);
    const ok = await payout(cleo, 9000);
    expect([ok.status, ok.body.status]).toEqual([201, 'IN_TRANSIT']);
    expect((await transfersOf(ok.body.id)).map((t) => [t.amount, t.source_transaction])).toEqual([[9000, a.charge]]);
    expect(await wallet(cleo)).toMatchObject({ available: 18000, availableForPayout: 0, nextAvailableOn: bOn });
    await expectLedgerClean(ctx);
  });

  it('concurrent payouts draw on the charges without ever transferring more from a charge than it released', async () => {
    const dan = await ctx.user('influencer', 'Dan');
    const accountId = await onboard(ctx, dan);
    const a = await earnWith(dan, 10000, 'pm_card_bypassPending'); // 9000
    const b = await earnWith(dan, 20000, 'pm_card_bypassPending'); // 18000
    await ctx.http.get('/api/wallet/balance', { token: dan.token }); // learn that both charges are available
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        ctx.http.post('/api/wallet/payout', { amount: 1000, currency: 'usd' }, { token: dan.token, headers: { 'Idempotency-Key': `dan-${i}` } }),
      ),
    );
    const unexpected = results.filter((r) => !(r.status === 201 || (r.status === 409 && r.body.code === 'INSUFFICIENT_FUNDS')));
    expect(unexpected.map((r) => [r.status, r.body])).toEqual([]);
    const accepted = results.filter((r) => r.status === 201);
    expect(accepted).toHaveLength(27);
    // Stripe refused none of them (a double-spent charge would be refused: its amount is capped)
    expect(accepted.map((r) => r.body.status)).toEqual(Array(27).fill('IN_TRANSIT'));
    const all = (await ctx.stripe.transfers.list({ destination: accountId, limit: 100 })).data;
    const byCharge = new Map<string, number>();
    for (const t of all) byCharge.set(String(t.source_transaction), (byCharge.get(String(t.source_transaction)) ?? 0) + t.amount);
    expect(Object.fromEntries(byCharge)).toEqual({ [a.charge]: 9000, [b.charge]: 18000 });
    expect(await ctx.app.get(WalletCreditsRepository).mismatches()).toEqual([]);
    await expectLedgerClean(ctx);
  });

  it('a refund of held money leaves the released part of the charge payable', async () => {
    const eve = await ctx.user('influencer', 'Eve');
    const accountId = await onboard(ctx, eve);
    const { collaboration, paymentId, charge } = await earnWith(eve, 10000, 'pm_card_bypassPending', [
      { title: 'Teaser', amount: 6000 },
      { title: 'Launch', amount: 4000 },
    ]);
    const c = await ctx.http.get(`/api/collaborations/${collaboration.id}`, { token: company.token });
    const teaser = c.body.milestones.find((m: { title: string }) => m.title === 'Teaser');
    expect((await ctx.http.post(`/api/payments/collaboration/${collaboration.id}/release`, { milestoneId: teaser.id }, { token: company.token })).status).toBe(
      200,
    );
    expect((await ctx.http.post(`/api/payments/${paymentId}/refund`, {}, { token: company.token })).status).toBe(200);
    expect((await ctx.stripe.charges.retrieve(charge)).amount_refunded).toBe(4000);
    const ok = await payout(eve, 5400);
    expect([ok.status, ok.body.status]).toEqual([201, 'IN_TRANSIT']);
    expect(await transfersOf(ok.body.id)).toEqual([{ amount: 5400, source_transaction: charge, destination: accountId }]);
    await expectLedgerClean(ctx);
  });

  it('a payout requested before credits were recorded gives its money back as a credit without a charge when it fails', async () => {
    const gus = await ctx.user('influencer', 'Gus');
    const accountId = await onboard(ctx, gus);
    await earnWith(gus, 10000, 'pm_card_bypassPending'); // 9000
    const credits = ctx.app.get(WalletCreditsRepository);
    // as the migration leaves a payout in flight: the wallet debited, no payout_sources, credits = what the wallet holds
    const legacy = await ctx.db.transaction(async (em) => {
      const p = await ctx.app.get(PayoutRepository).insert(em, { userId: gus.id, amount: 4000, currency: 'usd', stripeAccountId: accountId });
      await ctx.app.get(LedgerService).post(em, {
        type: 'payout_requested',
        referenceType: 'payout',
        referenceId: p.id,
        description: 'payout from before',
        idempotencyKey: `payout:${p.id}:requested`,
        lines: [
          { account: Accounts.walletAvailable(gus.id), currency: 'usd', amount: 4000 },
          { account: Accounts.payoutsInTransit(gus.id), currency: 'usd', amount: -4000 },
        ],
      });
      await credits.remove(em, gus.id, 'usd', 4000);
      return p;
    });
    expect(await credits.mismatches(gus.id)).toEqual([]);
    await ctx.db.transaction((em) => ctx.app.get(PayoutStateService).refuse(em, legacy.id, 'test_refused', 'refused in a test'));
    expect((await wallet(gus)).available).toBe(9000);
    expect(await credits.mismatches(gus.id)).toEqual([]);
    expect((await credits.open(gus.id, 'usd')).map((c) => [c.stripeChargeId === null, c.open])).toEqual([
      [false, 5000],
      [true, 4000],
    ]);
  });

  it('money taken back from a wallet closes the credits of the refunded payment first', async () => {
    const fay = await ctx.user('influencer', 'Fay');
    await onboard(ctx, fay);
    const a = await earnWith(fay, 10000, 'pm_card_bypassPending');
    const b = await earnWith(fay, 20000, 'pm_card_bypassPending');
    const credits = ctx.app.get(WalletCreditsRepository);
    const left = await ctx.db.transaction((em) => credits.remove(em, fay.id, 'usd', 20000, b.paymentId));
    expect(left).toBe(0);
    const open = await credits.open(fay.id, 'usd');
    // 18000 from b's charge, then 2000 from the oldest (a)
    expect(open.map((c) => [c.stripeChargeId, c.open])).toEqual([[a.charge, 7000]]);
    const short = await ctx.db.transaction((em) => credits.remove(em, fay.id, 'usd', 10000, b.paymentId));
    expect(short).toBe(3000);
    expect(await credits.open(fay.id, 'usd')).toEqual([]);
  });
});
