import Stripe from 'stripe';
import { control, Env, expectStripeError, startEnv } from './helpers';

describe('stripe emulator: Connect (accounts, onboarding, transfers, payouts)', () => {
  let env: Env;
  let stripe: Stripe;
  beforeAll(async () => {
    env = await startEnv();
    stripe = env.stripe;
  });
  afterAll(() => env.close());

  async function paidCharge(amount: number): Promise<string> {
    const pi = await stripe.paymentIntents.create({ amount, currency: 'usd', payment_method: 'pm_card_visa', confirm: true, transfer_group: 'collab_c' });
    return pi.latest_charge as string;
  }

  async function onboard(accountNumber = '000123456789'): Promise<Stripe.Account> {
    const acct = await stripe.accounts.create({ type: 'express', email: 'influencer@example.com', capabilities: { transfers: { requested: true } } });
    const link = await stripe.accountLinks.create({
      account: acct.id,
      refresh_url: 'http://localhost/refresh',
      return_url: 'http://localhost/return',
      type: 'account_onboarding',
    });
    const page = await fetch(link.url);
    const html = await page.text();
    expect(html).toContain('000111111116');
    const post = await fetch(link.url, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ first_name: 'Ina', last_name: 'Fluencer', account_number: accountNumber }).toString(),
    });
    expect(post.status).toBe(302);
    expect(post.headers.get('location')).toBe('http://localhost/return');
    return stripe.accounts.retrieve(acct.id);
  }

  it('an Express account starts restricted with requirements, and hosted onboarding completes it', async () => {
    const acct = await stripe.accounts.create({ type: 'express', metadata: { userId: 'u1' } });
    expect(acct.id).toMatch(/^acct_/);
    expect(acct.charges_enabled).toBe(false);
    expect(acct.payouts_enabled).toBe(false);
    expect(acct.details_submitted).toBe(false);
    expect(acct.requirements?.currently_due?.length).toBeGreaterThan(0);
    const done = await onboard();
    expect(done.details_submitted).toBe(true);
    expect(done.payouts_enabled).toBe(true);
    expect(done.requirements?.currently_due).toEqual([]);
    const ext = await stripe.accounts.listExternalAccounts(done.id);
    expect((ext.data[0] as Stripe.BankAccount).last4).toBe('6789');
    await env.emu.flushWebhooks();
    const updated = env.receiver.events('account.updated', 'connect').find((e) => e.account === done.id);
    expect(updated).toBeDefined();
    expect((updated!.data.object as Stripe.Account).details_submitted).toBe(true);
    expect(updated!.data.previous_attributes).toHaveProperty('details_submitted', false);
    // Connect events never go to the platform endpoint
    expect(env.receiver.events('account.updated', 'platform')).toHaveLength(0);
    const list = await stripe.accounts.list({ limit: 100 });
    expect(list.data.map((a) => a.id)).toEqual(expect.arrayContaining([acct.id, done.id]));
  });

  it('account links are single use and expire to refresh_url', async () => {
    const acct = await stripe.accounts.create({ type: 'express' });
    const link = await stripe.accountLinks.create({
      account: acct.id,
      refresh_url: 'http://localhost/refresh',
      return_url: 'http://localhost/return',
      type: 'account_onboarding',
    });
    expect(link.expires_at).toBeGreaterThan(link.created);
    expect((await fetch(link.url, { redirect: 'manual' })).status).toBe(200);
    const second = await fetch(link.url, { redirect: 'manual' });
    expect(second.status).toBe(302);
    expect(second.headers.get('location')).toBe('http://localhost/refresh');
    const link2 = await stripe.accountLinks.create({
      account: acct.id,
      refresh_url: 'http://localhost/refresh',
      return_url: 'http://localhost/return',
      type: 'account_onboarding',
    });
    await env.emu.advanceTime(301_000);
    const expired = await fetch(link2.url, { redirect: 'manual' });
    expect(expired.headers.get('location')).toBe('http://localhost/refresh');
  });

  it('transfers: source_transaction, balance_insufficient, capability check, reversals', async () => {
    const acct = await onboard();
    const ch = await paidCharge(10000);
    const tr = await stripe.transfers.create({
      amount: 8000,
      currency: 'usd',
      destination: acct.id,
      transfer_group: 'collab_c',
      source_transaction: ch,
      metadata: { payoutId: 'po_1' },
    });
    expect(tr.destination).toBe(acct.id);
    expect(tr.source_transaction).toBe(ch);
    expect(tr.destination_payment).toMatch(/^py_/);
    const over = await expectStripeError(stripe.transfers.create({ amount: 5000, currency: 'usd', destination: acct.id, source_transaction: ch }));
    expect(over.statusCode).toBe(400);
    const bal = await stripe.balance.retrieve();
    const platformUsd = bal.available.find((b) => b.currency === 'usd')!.amount;
    const poor = await expectStripeError(stripe.transfers.create({ amount: platformUsd + 1, currency: 'usd', destination: acct.id }));
    expect(poor.code).toBe('balance_insufficient');
    const fresh = await stripe.accounts.create({ type: 'express' });
    const noCap = await expectStripeError(stripe.transfers.create({ amount: 100, currency: 'usd', destination: fresh.id }));
    expect(noCap.code).toBe('insufficient_capabilities_for_transfer');
    const connectedBal = await stripe.balance.retrieve({}, { stripeAccount: acct.id });
    expect(connectedBal.available.find((b) => b.currency === 'usd')!.amount).toBe(8000);
    const rev = await stripe.transfers.createReversal(tr.id, { amount: 3000 });
    expect(rev.amount).toBe(3000);
    const tr2 = await stripe.transfers.retrieve(tr.id);
    expect(tr2.amount_reversed).toBe(3000);
    expect(tr2.reversed).toBe(false);
    expect((await stripe.balance.retrieve({}, { stripeAccount: acct.id })).available.find((b) => b.currency === 'usd')!.amount).toBe(5000);
    await env.emu.flushWebhooks();
    expect(env.receiver.events('transfer.created', 'platform').some((e) => (e.data.object as Stripe.Transfer).id === tr.id)).toBe(true);
    expect(env.receiver.events('transfer.reversed', 'platform').some((e) => (e.data.object as Stripe.Transfer).id === tr.id)).toBe(true);
    const byGroup = await stripe.transfers.list({ transfer_group: 'collab_c' });
    expect(byGroup.data.map((t) => t.id)).toContain(tr.id);
  });

  it('payouts on a connected account are paid after the delay, with Connect events', async () => {
    const acct = await onboard();
    const ch = await paidCharge(5000);
    await stripe.transfers.create({ amount: 4000, currency: 'usd', destination: acct.id, source_transaction: ch });
    const po = await stripe.payouts.create(
      { amount: 4000, currency: 'usd', metadata: { payoutId: 'wp_1' } },
      { stripeAccount: acct.id, idempotencyKey: 'payout-wp_1' },
    );
    expect(po.status).toBe('pending');
    expect(po.destination).toMatch(/^ba_/);
    const notFound = await expectStripeError(stripe.payouts.retrieve(po.id));
    expect(notFound.statusCode).toBe(404);
    const tooMuch = await expectStripeError(stripe.payouts.create({ amount: 1, currency: 'usd' }, { stripeAccount: acct.id }));
    expect(tooMuch.code).toBe('balance_insufficient');
    await env.emu.advanceTime();
    const paid = await stripe.payouts.retrieve(po.id, {}, { stripeAccount: acct.id });
    expect(paid.status).toBe('paid');
    const found = (await stripe.payouts.list({ limit: 100 }, { stripeAccount: acct.id })).data.find((p) => p.metadata?.payoutId === 'wp_1');
    expect(found?.id).toBe(po.id);
    await env.emu.flushWebhooks();
    const evs = env.receiver.events(undefined, 'connect').filter((e) => (e.data.object as Stripe.Payout).id === po.id);
    expect(evs.map((e) => e.type)).toEqual(expect.arrayContaining(['payout.created', 'payout.paid']));
    expect(evs.every((e) => e.account === acct.id)).toBe(true);
    // the connected account's events are listed with its Stripe-Account header only
    const connEvents = await stripe.events.list({ type: 'payout.paid' }, { stripeAccount: acct.id });
    expect(connEvents.data[0].account).toBe(acct.id);
    const platformEvents = await stripe.events.list({ type: 'payout.paid' });
    expect(platformEvents.data.find((e) => (e.data.object as Stripe.Payout).id === po.id)).toBeUndefined();
  });

  it.each([
    ['000111111116', 'no_account'],
    ['000111111113', 'account_closed'],
  ])('payouts to test bank %s fail with %s and return the money', async (number, code) => {
    const acct = await onboard(number);
    const ch = await paidCharge(3000);
    await stripe.transfers.create({ amount: 2000, currency: 'usd', destination: acct.id, source_transaction: ch });
    const po = await stripe.payouts.create({ amount: 2000, currency: 'usd' }, { stripeAccount: acct.id });
    await env.emu.advanceTime();
    const failed = await stripe.payouts.retrieve(po.id, {}, { stripeAccount: acct.id });
    expect(failed.status).toBe('failed');
    expect(failed.failure_code).toBe(code);
    const bal = await stripe.balance.retrieve({}, { stripeAccount: acct.id });
    expect(bal.available.find((b) => b.currency === 'usd')!.amount).toBe(2000);
    await env.emu.flushWebhooks();
    const ev = env.receiver.events('payout.failed', 'connect').find((e) => (e.data.object as Stripe.Payout).id === po.id);
    expect(ev?.account).toBe(acct.id);
  });

  it('external accounts via the API choose the payout bank; pending payouts can be canceled', async () => {
    const acct = await onboard();
    await stripe.accounts.createExternalAccount(acct.id, {
      external_account: { object: 'bank_account', country: 'US', currency: 'usd', routing_number: '110000000', account_number: '000111111116' },
      default_for_currency: true,
    } as Stripe.AccountCreateExternalAccountParams);
    const ch = await paidCharge(3000);
    await stripe.transfers.create({ amount: 2500, currency: 'usd', destination: acct.id, source_transaction: ch });
    const po = await stripe.payouts.create({ amount: 1000, currency: 'usd' }, { stripeAccount: acct.id });
    const canceled = await stripe.payouts.cancel(po.id, {}, { stripeAccount: acct.id });
    expect(canceled.status).toBe('canceled');
    const po2 = await stripe.payouts.create({ amount: 1000, currency: 'usd' }, { stripeAccount: acct.id });
    await env.emu.advanceTime();
    expect((await stripe.payouts.retrieve(po2.id, {}, { stripeAccount: acct.id })).failure_code).toBe('no_account');
    await env.emu.flushWebhooks();
    expect(env.receiver.events('payout.canceled', 'connect').some((e) => (e.data.object as Stripe.Payout).id === po.id)).toBe(true);
  });

  it('an unknown Stripe-Account is refused; control endpoint completes onboarding', async () => {
    const err = await expectStripeError(stripe.balance.retrieve({}, { stripeAccount: 'acct_nope' }));
    expect(err.statusCode).toBe(403);
    const acct = await stripe.accounts.create({
      controller: { stripe_dashboard: { type: 'express' }, fees: { payer: 'application' }, losses: { payments: 'application' } },
    });
    expect(acct.type).toBe('express');
    await control(env.emu, `accounts/${acct.id}/complete_onboarding`, {});
    expect((await stripe.accounts.retrieve(acct.id)).charges_enabled).toBe(true);
    const upd = await stripe.accounts.update(acct.id, { metadata: { tier: 'gold' } });
    expect(upd.metadata?.tier).toBe('gold');
  });
});
