import Stripe from 'stripe';
import { control, Env, expectStripeError, startEnv } from './helpers';

const DAY = 24 * 3600_000;

/** Stripe's real timings: card funds pending 2 days, payouts arrive after 1 day (the emulator's defaults). */
describe('stripe emulator: pending vs available balances on the emulated clock', () => {
  let env: Env;
  let stripe: Stripe;
  beforeEach(async () => {
    env = await startEnv({ delays: { processingMs: 100 } });
    stripe = env.stripe;
  });
  afterEach(() => env.close());

  const usd = (b: Stripe.Balance, kind: 'available' | 'pending') => b[kind].find((x) => x.currency === 'usd')?.amount ?? 0;

  async function charge(amount: number, pm = 'pm_card_visa'): Promise<Stripe.Charge> {
    const pi = await stripe.paymentIntents.create({
      amount,
      currency: 'usd',
      payment_method: pm,
      confirm: true,
      expand: ['latest_charge.balance_transaction'],
    });
    return pi.latest_charge as Stripe.Charge;
  }
  async function onboarded(): Promise<string> {
    const acct = await stripe.accounts.create({ type: 'express', settings: { payouts: { schedule: { interval: 'manual' } } } });
    await control(env.emu, `accounts/${acct.id}/complete_onboarding`);
    return acct.id;
  }

  it('a 4242 charge is pending for 2 days, then available with a balance.available event', async () => {
    const ch = await charge(10000);
    const bt = ch.balance_transaction as Stripe.BalanceTransaction;
    expect(bt.status).toBe('pending');
    expect(bt.available_on).toBeGreaterThanOrEqual(env.emu.now() + 2 * 86400 - 2);
    const net = bt.net;
    let bal = await stripe.balance.retrieve();
    expect(usd(bal, 'pending')).toBe(net);
    expect(usd(bal, 'available')).toBe(0);
    await env.emu.advanceTime(2 * DAY - 60_000);
    expect((await stripe.balanceTransactions.retrieve(bt.id)).status).toBe('pending');
    await env.emu.advanceTime(60_000);
    expect((await stripe.balanceTransactions.retrieve(bt.id)).status).toBe('available');
    bal = await stripe.balance.retrieve();
    expect(usd(bal, 'available')).toBe(net);
    expect(usd(bal, 'pending')).toBe(0);
    await env.emu.flushWebhooks();
    const ev = env.receiver.events('balance.available', 'platform').at(-1);
    expect(ev).toBeDefined();
    expect(usd(ev!.data.object as Stripe.Balance, 'available')).toBe(net);
  });

  it('4000000000000077 / pm_card_bypassPending is available at once', async () => {
    const ch = await charge(5000, 'pm_card_bypassPending');
    expect((ch.balance_transaction as Stripe.BalanceTransaction).status).toBe('available');
    expect(usd(await stripe.balance.retrieve(), 'available')).toBe((ch.balance_transaction as Stripe.BalanceTransaction).net);
  });

  it('a transfer without source_transaction needs AVAILABLE platform funds (balance_insufficient right after a payment)', async () => {
    const acct = await onboarded();
    await charge(10000);
    const err = await expectStripeError(stripe.transfers.create({ amount: 5000, currency: 'usd', destination: acct }));
    expect(err.statusCode).toBe(400);
    expect(err.type).toBe('StripeInvalidRequestError');
    expect(err.code).toBe('balance_insufficient');
    await env.emu.advanceTime(2 * DAY);
    const tr = await stripe.transfers.create({ amount: 5000, currency: 'usd', destination: acct });
    expect(tr.amount).toBe(5000);
  });

  it('with source_transaction: succeeds at once, capped by what the charge has left, pending at the destination until the charge is available', async () => {
    const acct = await onboarded();
    const ch = await charge(10000);
    const chBt = ch.balance_transaction as Stripe.BalanceTransaction;
    const tr = await stripe.transfers.create({ amount: 6000, currency: 'usd', destination: acct, source_transaction: ch.id });
    const dest = await stripe.balance.retrieve({}, { stripeAccount: acct });
    expect(usd(dest, 'pending')).toBe(6000);
    expect(usd(dest, 'available')).toBe(0);
    const py = await stripe.charges.retrieve(tr.destination_payment as string, { expand: ['balance_transaction'] }, { stripeAccount: acct });
    expect((py.balance_transaction as Stripe.BalanceTransaction).available_on).toBe(chBt.available_on);
    // the charge has 4000 left: 4001 is refused, whatever the platform's balance
    await control(env.emu, 'balance/platform/add', { amount: '100000', currency: 'usd' });
    const over = await expectStripeError(stripe.transfers.create({ amount: 4001, currency: 'usd', destination: acct, source_transaction: ch.id }));
    expect(over.statusCode).toBe(400);
    expect(over.code).toBe('transfer_source_balance_parameters_mismatch');
    // refunds shrink what is left; a reversal gives the destination's money back but does not make room on the charge
    await stripe.refunds.create({ charge: ch.id, amount: 1000 });
    expect((await expectStripeError(stripe.transfers.create({ amount: 3001, currency: 'usd', destination: acct, source_transaction: ch.id }))).code).toBe(
      'transfer_source_balance_parameters_mismatch',
    );
    await stripe.transfers.createReversal(tr.id, { amount: 1000 });
    expect(
      usd(await stripe.balance.retrieve({}, { stripeAccount: acct }), 'pending') + usd(await stripe.balance.retrieve({}, { stripeAccount: acct }), 'available'),
    ).toBe(5000);
    expect((await expectStripeError(stripe.transfers.create({ amount: 3001, currency: 'usd', destination: acct, source_transaction: ch.id }))).code).toBe(
      'transfer_source_balance_parameters_mismatch',
    );
    await stripe.transfers.create({ amount: 3000, currency: 'usd', destination: acct, source_transaction: ch.id });
    // payouts draw only on available funds
    const early = await expectStripeError(stripe.payouts.create({ amount: 1000, currency: 'usd' }, { stripeAccount: acct }));
    expect(early.code).toBe('balance_insufficient');
    await env.emu.advanceTime(2 * DAY);
    const bal = await stripe.balance.retrieve({}, { stripeAccount: acct });
    expect(usd(bal, 'available')).toBe(8000);
    expect(usd(bal, 'pending')).toBe(0);
    await env.emu.flushWebhooks();
    expect(env.receiver.events('balance.available', 'connect').some((e) => e.account === acct)).toBe(true);
    const po = await stripe.payouts.create({ amount: 8000, currency: 'usd' }, { stripeAccount: acct });
    expect(po.status).toBe('pending');
    expect(po.arrival_date).toBeGreaterThanOrEqual(env.emu.now() + 86400 - 1);
    expect(usd(await stripe.balance.retrieve({}, { stripeAccount: acct }), 'available')).toBe(0);
    await env.emu.advanceTime(DAY - 60_000);
    expect((await stripe.payouts.retrieve(po.id, {}, { stripeAccount: acct })).status).not.toBe('paid');
    await env.emu.advanceTime(60_000);
    expect((await stripe.payouts.retrieve(po.id, {}, { stripeAccount: acct })).status).toBe('paid');
  });

  it('refunds and disputes debit the balance; a lost payout (test bank 000111111116) returns the money', async () => {
    const ch = await charge(10000, 'pm_card_bypassPending');
    const before = usd(await stripe.balance.retrieve(), 'available');
    await stripe.refunds.create({ charge: ch.id, amount: 2500 });
    expect(usd(await stripe.balance.retrieve(), 'available')).toBe(before - 2500);
    await control(env.emu, `charges/${ch.id}/dispute`);
    expect(usd(await stripe.balance.retrieve(), 'available')).toBe(before - 2500 - 7500 - 1500);
    const acct = await stripe.accounts.create({ type: 'express', settings: { payouts: { schedule: { interval: 'manual' } } } });
    await control(env.emu, `accounts/${acct.id}/complete_onboarding`, { account_number: '000111111116' });
    await control(env.emu, `balance/${acct.id}/add`, { amount: '3000', currency: 'usd' });
    const po = await stripe.payouts.create({ amount: 3000, currency: 'usd' }, { stripeAccount: acct.id });
    await env.emu.advanceTime(DAY);
    const failed = await stripe.payouts.retrieve(po.id, {}, { stripeAccount: acct.id });
    expect(failed.status).toBe('failed');
    expect(failed.failure_code).toBe('no_account');
    expect(usd(await stripe.balance.retrieve({}, { stripeAccount: acct.id }), 'available')).toBe(3000);
  });
});
