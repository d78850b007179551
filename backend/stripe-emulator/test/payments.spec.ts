import Stripe from 'stripe';
import { control, Env, expectStripeError, startEnv } from './helpers';

describe('stripe emulator: payments through the real SDK', () => {
  let env: Env;
  let stripe: Stripe;
  beforeAll(async () => {
    env = await startEnv();
    stripe = env.stripe;
  });
  afterAll(() => env.close());

  it('rejects a missing or wrong API key with Stripe error JSON', async () => {
    const bad = new Stripe('sk_live_nope', { ...env.emu.sdkOptions(), maxNetworkRetries: 0 });
    const err = await expectStripeError(bad.customers.list());
    expect(err.statusCode).toBe(401);
    expect(err.type).toBe('StripeAuthenticationError');
    expect(err.message).toMatch(/Invalid API Key provided/);
    const res = await fetch(`${env.emu.url}/v1/customers`);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { type: string } }).error.type).toBe('invalid_request_error');
  });

  it('customers: create, metadata merge/unset, default payment method, list by email, delete', async () => {
    const c = await stripe.customers.create({ email: 'brand@example.com', name: 'Brand', metadata: { a: '1', b: '2' } });
    expect(c.id).toMatch(/^cus_/);
    const u = await stripe.customers.update(c.id, { metadata: { a: '', c: '3' } });
    expect(u.metadata).toEqual({ b: '2', c: '3' });
    const pm = await stripe.paymentMethods.attach('pm_card_visa', { customer: c.id });
    expect(pm.customer).toBe(c.id);
    const u2 = await stripe.customers.update(c.id, { invoice_settings: { default_payment_method: pm.id } });
    expect(u2.invoice_settings.default_payment_method).toBe(pm.id);
    const list = await stripe.customers.list({ email: 'brand@example.com' });
    expect(list.data.map((x) => x.id)).toEqual([c.id]);
    const pms = await stripe.customers.listPaymentMethods(c.id);
    expect(pms.data[0].card?.last4).toBe('4242');
    const del = await stripe.customers.del(c.id);
    expect(del.deleted).toBe(true);
    const err = await expectStripeError(stripe.customers.update(c.id, { name: 'x' }));
    expect(err.statusCode).toBe(404);
    expect(err.code).toBe('resource_missing');
  });

  it('a 4242 payment succeeds with charge, fee-bearing balance transaction and events', async () => {
    const pi = await stripe.paymentIntents.create({
      amount: 10000,
      currency: 'usd',
      automatic_payment_methods: { enabled: true },
      transfer_group: 'collab_1',
      metadata: { paymentId: 'pay_1', collaborationId: 'collab_1' },
    });
    expect(pi.status).toBe('requires_payment_method');
    expect(pi.automatic_payment_methods?.enabled).toBe(true);
    expect(pi.client_secret).toMatch(new RegExp(`^${pi.id}_secret_`));
    const confirmed = await stripe.paymentIntents.confirm(pi.id, { payment_method: 'pm_card_visa', return_url: 'http://localhost/return' });
    expect(confirmed.status).toBe('succeeded');
    expect(confirmed.amount_received).toBe(10000);
    const full = await stripe.paymentIntents.retrieve(pi.id, { expand: ['latest_charge.balance_transaction', 'payment_method'] });
    const charge = full.latest_charge as Stripe.Charge;
    expect(charge.object).toBe('charge');
    expect(charge.transfer_group).toBe('collab_1');
    expect(charge.metadata.paymentId).toBe('pay_1');
    const bt = charge.balance_transaction as Stripe.BalanceTransaction;
    expect(bt.fee).toBe(320); // 2.9% of 10000 + 30
    expect(bt.net).toBe(9680);
    expect((full.payment_method as Stripe.PaymentMethod).card?.brand).toBe('visa');
    await env.emu.flushWebhooks();
    const types = env.receiver
      .events(undefined, 'platform')
      .filter((e) => (e.data.object as { id: string }).id === pi.id || (e.data.object as { payment_intent?: string }).payment_intent === pi.id)
      .map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['payment_intent.created', 'charge.succeeded', 'payment_intent.succeeded']));
    const ev = env.receiver.events('payment_intent.succeeded').find((e) => (e.data.object as Stripe.PaymentIntent).id === pi.id)!;
    expect(ev.api_version).toBe('2026-10-28.endive');
    expect(ev.livemode).toBe(false);
    expect(ev.account).toBeUndefined();
    expect((ev.data.object as Stripe.PaymentIntent).metadata.collaborationId).toBe('collab_1');
    expect(ev.request?.id).toMatch(/^req_/);
  });

  it('declines return 402 card errors with codes, and leave the intent requiring a payment method', async () => {
    const pi = await stripe.paymentIntents.create({ amount: 5000, currency: 'eur', allowed_payment_method_types: ['card'] });
    const err = await expectStripeError(stripe.paymentIntents.confirm(pi.id, { payment_method: 'pm_card_chargeDeclined' }));
    expect(err.statusCode).toBe(402);
    expect(err.type).toBe('StripeCardError');
    expect(err.code).toBe('card_declined');
    expect(err.decline_code).toBe('generic_decline');
    expect(err.message).toBe('Your card was declined.');
    expect((err.payment_intent as Stripe.PaymentIntent).status).toBe('requires_payment_method');
    const after = await stripe.paymentIntents.retrieve(pi.id);
    expect(after.last_payment_error?.decline_code).toBe('generic_decline');

    const pm = await stripe.paymentMethods.create({ type: 'card', card: { number: '4000000000009995', exp_month: 12, exp_year: 2040, cvc: '123' } });
    const err2 = await expectStripeError(stripe.paymentIntents.confirm(pi.id, { payment_method: pm.id }));
    expect(err2.decline_code).toBe('insufficient_funds');
    expect(err2.message).toBe('Your card has insufficient funds.');
    await env.emu.flushWebhooks();
    expect(env.receiver.events('payment_intent.payment_failed').filter((e) => (e.data.object as Stripe.PaymentIntent).id === pi.id)).toHaveLength(2);

    // 0341 attaches to a customer but the charge fails; 0002 fails already on attach
    const cus = await stripe.customers.create({});
    const pm341 = await stripe.paymentMethods.create({ type: 'card', card: { number: '4000000000000341', exp_month: 1, exp_year: 2041 } });
    await stripe.paymentMethods.attach(pm341.id, { customer: cus.id });
    const e341 = await expectStripeError(
      stripe.paymentIntents.create({ amount: 900, currency: 'usd', customer: cus.id, payment_method: pm341.id, confirm: true, off_session: true }),
    );
    expect(e341.code).toBe('card_declined');
    const e002 = await expectStripeError(stripe.paymentMethods.attach('pm_card_chargeDeclined', { customer: cus.id }));
    expect(e002.statusCode).toBe(402);
  });

  it('enforces per-currency minimum amounts and validates params', async () => {
    const e1 = await expectStripeError(stripe.paymentIntents.create({ amount: 29, currency: 'gbp' }));
    expect(e1.code).toBe('amount_too_small');
    expect(e1.param).toBe('amount');
    await expect(stripe.paymentIntents.create({ amount: 30, currency: 'gbp' })).resolves.toMatchObject({ amount: 30 });
    const e2 = await expectStripeError(stripe.paymentIntents.create({ amount: 499, currency: 'zar' }));
    expect(e2.code).toBe('amount_too_small');
    const e3 = await expectStripeError(stripe.paymentIntents.create({ currency: 'usd' } as Stripe.PaymentIntentCreateParams));
    expect(e3.code).toBe('parameter_missing');
    expect(e3.statusCode).toBe(400);
    const e4 = await expectStripeError(stripe.paymentMethods.create({ type: 'card', card: { number: '4242424242424241', exp_month: 1, exp_year: 2040 } }));
    expect(e4.code).toBe('incorrect_number');
  });

  it('3-D Secure: requires_action, then the challenge outcome decides', async () => {
    const pm = await stripe.paymentMethods.create({ type: 'card', card: { number: '4000002500003155', exp_month: 12, exp_year: 2040, cvc: '123' } });
    const pi = await stripe.paymentIntents.create({ amount: 2000, currency: 'usd', payment_method: pm.id, confirm: true, return_url: 'http://localhost/done' });
    expect(pi.status).toBe('requires_action');
    expect(pi.next_action?.type).toBe('redirect_to_url');
    const url = pi.next_action!.redirect_to_url!.url!;
    expect(url).toContain(`/3ds/${pi.id}`);
    // the hosted challenge page: completing it redirects to return_url with redirect_status
    const page = await fetch(url);
    expect(await page.text()).toContain('Complete authentication');
    const post = await fetch(`${env.emu.url}/3ds/${pi.id}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_secret: pi.client_secret!, outcome: 'complete' }).toString(),
    });
    expect(post.status).toBe(302);
    const loc = new URL(post.headers.get('location')!);
    expect(loc.origin + loc.pathname).toBe('http://localhost/done');
    expect(loc.searchParams.get('redirect_status')).toBe('succeeded');
    expect(loc.searchParams.get('payment_intent')).toBe(pi.id);
    expect((await stripe.paymentIntents.retrieve(pi.id)).status).toBe('succeeded');

    // failing the challenge (control endpoint) → requires_payment_method with authentication failure
    const pi2 = await stripe.paymentIntents.create({ amount: 2000, currency: 'usd', payment_method: 'pm_card_authenticationRequired', confirm: true });
    expect(pi2.status).toBe('requires_action');
    expect(pi2.next_action?.type).toBe('use_stripe_sdk');
    await control(env.emu, `payment_intents/${pi2.id}/authenticate`, { outcome: 'fail' });
    const after = await stripe.paymentIntents.retrieve(pi2.id);
    expect(after.status).toBe('requires_payment_method');
    expect(after.last_payment_error?.code).toBe('payment_intent_authentication_failure');
    // confirm again after the challenge: manual confirmation re-confirm flow
    const pi3 = await stripe.paymentIntents.create({
      amount: 2000,
      currency: 'usd',
      payment_method: 'pm_card_threeDSecure2Required',
      confirm: true,
      confirmation_method: 'manual',
    });
    expect(pi3.status).toBe('requires_action');
    await control(env.emu, `payment_intents/${pi3.id}/authenticate`, { outcome: 'complete' });
    expect((await stripe.paymentIntents.retrieve(pi3.id)).status).toBe('requires_confirmation');
    expect((await stripe.paymentIntents.confirm(pi3.id)).status).toBe('succeeded');
    // off-session: authentication_required decline
    const e = await expectStripeError(
      stripe.paymentIntents.create({ amount: 2000, currency: 'usd', payment_method: 'pm_card_authenticationRequired', confirm: true, off_session: true }),
    );
    expect(e.code).toBe('authentication_required');
  });

  it('manual capture, cancel, and unexpected-state errors', async () => {
    const pi = await stripe.paymentIntents.create({ amount: 3000, currency: 'usd', capture_method: 'manual', payment_method: 'pm_card_visa', confirm: true });
    expect(pi.status).toBe('requires_capture');
    expect(pi.amount_capturable).toBe(3000);
    const cap = await stripe.paymentIntents.capture(pi.id, { amount_to_capture: 2500 });
    expect(cap.status).toBe('succeeded');
    expect(cap.amount_received).toBe(2500);
    const err = await expectStripeError(stripe.paymentIntents.cancel(pi.id));
    expect(err.code).toBe('payment_intent_unexpected_state');
    const pi2 = await stripe.paymentIntents.create({ amount: 3000, currency: 'usd' });
    const canceled = await stripe.paymentIntents.cancel(pi2.id, { cancellation_reason: 'requested_by_customer' });
    expect(canceled.status).toBe('canceled');
    const e2 = await expectStripeError(stripe.paymentIntents.confirm(pi2.id, { payment_method: 'pm_card_visa' }));
    expect(e2.code).toBe('payment_intent_unexpected_state');
    await env.emu.flushWebhooks();
    expect(env.receiver.events('payment_intent.canceled').some((e) => (e.data.object as Stripe.PaymentIntent).id === pi2.id)).toBe(true);
  });

  it('processing: a us_bank_account payment settles after the processing delay', async () => {
    const pi = await stripe.paymentIntents.create({
      amount: 4000,
      currency: 'usd',
      allowed_payment_method_types: ['us_bank_account'],
      payment_method: 'pm_usBankAccount',
      confirm: true,
    });
    expect(pi.status).toBe('processing');
    await env.emu.advanceTime();
    expect((await stripe.paymentIntents.retrieve(pi.id)).status).toBe('succeeded');
    await env.emu.flushWebhooks();
    const types = env.receiver
      .events()
      .filter((e) => (e.data.object as Stripe.PaymentIntent).id === pi.id)
      .map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['payment_intent.processing', 'payment_intent.succeeded']));
  });

  it('refunds (partial then full) update the charge and emit charge.refunded + refund.created', async () => {
    const pi = await stripe.paymentIntents.create({ amount: 10000, currency: 'usd', payment_method: 'pm_card_visa', confirm: true });
    const r1 = await stripe.refunds.create({ payment_intent: pi.id, amount: 4000, metadata: { reason: 'partial' } });
    expect(r1.status).toBe('succeeded');
    expect(r1.amount).toBe(4000);
    const e = await expectStripeError(stripe.refunds.create({ payment_intent: pi.id, amount: 7000 }));
    expect(e.statusCode).toBe(400);
    await stripe.refunds.create({ charge: pi.latest_charge as string });
    const ch = await stripe.charges.retrieve(pi.latest_charge as string);
    expect(ch.amount_refunded).toBe(10000);
    expect(ch.refunded).toBe(true);
    const again = await expectStripeError(stripe.refunds.create({ payment_intent: pi.id }));
    expect(again.code).toMatch(/charge_already_refunded|charge_not_refundable/);
    await env.emu.flushWebhooks();
    const refunded = env.receiver.events('charge.refunded').filter((ev) => (ev.data.object as Stripe.Charge).id === ch.id);
    expect(refunded.map((ev) => (ev.data.object as Stripe.Charge).amount_refunded)).toEqual([4000, 10000]);
    expect(env.receiver.events('refund.created').some((ev) => (ev.data.object as Stripe.Refund).id === r1.id)).toBe(true);
  });

  it("a charge's refunds are includable only: absent unless expanded (API version 2022-11-15 and later)", async () => {
    const pi = await stripe.paymentIntents.create({ amount: 5000, currency: 'usd', payment_method: 'pm_card_visa', confirm: true });
    const re = await stripe.refunds.create({ payment_intent: pi.id, amount: 1200 });
    const plain = await stripe.charges.retrieve(pi.latest_charge as string);
    expect(plain).not.toHaveProperty('refunds');
    const withRefunds = await stripe.charges.retrieve(pi.latest_charge as string, { expand: ['refunds'] });
    expect(withRefunds.refunds?.data.map((r) => r.id)).toEqual([re.id]);
    expect(withRefunds.refunds?.url).toBe(`/v1/charges/${plain.id}/refunds`);
    const viaIntent = await stripe.paymentIntents.retrieve(pi.id, { expand: ['latest_charge.refunds'] });
    expect((viaIntent.latest_charge as Stripe.Charge).refunds?.data[0].amount).toBe(1200);
    const listed = await stripe.charges.list({ payment_intent: pi.id });
    expect(listed.data[0]).not.toHaveProperty('refunds');
    // webhooks carry the object as the API shows it by default
    await env.emu.flushWebhooks();
    const ev = env.receiver.events('charge.refunded').find((e) => (e.data.object as Stripe.Charge).id === plain.id);
    expect(ev?.data.object).not.toHaveProperty('refunds');
    // a property that is neither there nor includable still cannot be expanded
    const err = await expectStripeError(stripe.charges.retrieve(plain.id, { expand: ['nonsense'] }));
    expect(err.param).toBe('expand');
  });

  it('disputes: card 0259 creates one after success; closing it fires charge.dispute.closed', async () => {
    const pm = await stripe.paymentMethods.create({ type: 'card', card: { number: '4000000000000259', exp_month: 12, exp_year: 2040 } });
    const pi = await stripe.paymentIntents.create({ amount: 6000, currency: 'usd', payment_method: pm.id, confirm: true });
    expect(pi.status).toBe('succeeded');
    const disputes = await stripe.disputes.list({ payment_intent: pi.id });
    expect(disputes.data).toHaveLength(1);
    const dp = disputes.data[0];
    expect(dp.status).toBe('needs_response');
    expect(dp.amount).toBe(6000);
    const refundErr = await expectStripeError(stripe.refunds.create({ payment_intent: pi.id }));
    expect(refundErr.code).toBe('charge_disputed');
    await control(env.emu, `disputes/${dp.id}/close`, { status: 'won' });
    expect((await stripe.disputes.retrieve(dp.id)).status).toBe('won');
    await env.emu.flushWebhooks();
    expect(env.receiver.events('charge.dispute.created').some((e) => (e.data.object as Stripe.Dispute).id === dp.id)).toBe(true);
    const closed = env.receiver.events('charge.dispute.closed').find((e) => (e.data.object as Stripe.Dispute).id === dp.id);
    expect((closed?.data.object as Stripe.Dispute).status).toBe('won');
    // a dispute can also be opened on any charge through the control endpoint
    const pi2 = await stripe.paymentIntents.create({ amount: 1000, currency: 'usd', payment_method: 'pm_card_visa', confirm: true });
    const made = (await control(env.emu, `charges/${pi2.latest_charge as string}/dispute`, { reason: 'product_not_received' })) as Stripe.Dispute;
    expect(made.reason).toBe('product_not_received');
    expect((await stripe.charges.retrieve(pi2.latest_charge as string)).disputed).toBe(true);
  });

  it('setup intents attach the payment method; publishable key can only do Stripe.js calls', async () => {
    const cus = await stripe.customers.create({});
    const si = await stripe.setupIntents.create({ customer: cus.id, payment_method: 'pm_card_visa', confirm: true });
    expect(si.status).toBe('succeeded');
    const pm = await stripe.paymentMethods.retrieve(si.payment_method as string);
    expect(pm.customer).toBe(cus.id);
    const pk = new Stripe(env.emu.publishableKey, { ...env.emu.sdkOptions(), maxNetworkRetries: 0 });
    const denied = await expectStripeError(pk.customers.list());
    expect(denied.statusCode).toBe(401);
    const pi = await stripe.paymentIntents.create({ amount: 1500, currency: 'usd' });
    const got = await pk.paymentIntents.retrieve(pi.id, { client_secret: pi.client_secret! } as Stripe.PaymentIntentRetrieveParams);
    expect(got.id).toBe(pi.id);
    const wrong = await expectStripeError(pk.paymentIntents.retrieve(pi.id, { client_secret: 'nope' } as Stripe.PaymentIntentRetrieveParams));
    expect(wrong.statusCode).toBe(400);
    const card = await pk.paymentMethods.create({ type: 'card', card: { number: '4242424242424242', exp_month: 12, exp_year: 2040, cvc: '123' } });
    const confirmed = await pk.paymentIntents.confirm(pi.id, {
      payment_method: card.id,
      client_secret: pi.client_secret!,
    } as Stripe.PaymentIntentConfirmParams);
    expect(confirmed.status).toBe('succeeded');
  });

  it('balance and balance transactions reflect charges and refunds', async () => {
    const before = await stripe.balance.retrieve();
    const avail = (b: Stripe.Balance) => b.available.find((a) => a.currency === 'usd')?.amount ?? 0;
    await stripe.paymentIntents.create({ amount: 1000, currency: 'usd', payment_method: 'pm_card_visa', confirm: true });
    const after = await stripe.balance.retrieve();
    expect(avail(after) - avail(before)).toBe(1000 - 59); // 29 + 30 fee
    const txns = await stripe.balanceTransactions.list({ type: 'charge', limit: 1 });
    expect(txns.data[0].type).toBe('charge');
    expect(txns.data[0].reporting_category).toBe('charge');
  });
});
