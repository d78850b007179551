#!/usr/bin/env node
// Walks CollabPay's money flow through the real `stripe` SDK, step by step, the way the server does it:
// customer → card payment (separate charges and transfers) → wait until the charge's funds are available →
// Express account on MANUAL payouts → onboarding → Transfer with source_transaction → Payout → refunds.
//
//   npm run smoke:stripe                                   against the emulator (starts one, or STRIPE_API_BASE=<url>)
//   STRIPE_SECRET_KEY=sk_test_... npm run smoke:stripe     against Stripe itself, in test mode (never a live key)
//
// Stripe test mode: the payment uses 4000 0000 0000 0077 (pm_card_bypassPending), whose funds are available at once;
// hosted onboarding needs a person: the script prints the link and waits for it (SMOKE_ONBOARDING_WAIT_S, default 0 =
// skip the connected-account steps with a clear message). With the emulator, the emulated clock is advanced instead
// and onboarding is completed through the emulator's hosted page.
import { randomUUID } from 'node:crypto';
import Stripe from 'stripe';

const log = (msg) => console.log(`[smoke:stripe] ${msg}`);
const ok = (msg) => console.log(`[smoke:stripe] ✓ ${msg}`);
class SmokeFailure extends Error {}
const fail = (msg) => {
  throw new SmokeFailure(msg);
};
const expectThat = (cond, msg) => (cond ? ok(msg) : fail(msg));

async function setup() {
  const key = process.env.STRIPE_SECRET_KEY ?? '';
  if (key.startsWith('sk_live_') || key.startsWith('rk_live_')) fail('refusing to run against a live key: use a test-mode key (sk_test_...)');
  const base = process.env.STRIPE_API_BASE;
  if (base) {
    const u = new URL(base);
    const stripe = new Stripe(key || 'sk_test_emulator', {
      host: u.hostname,
      port: Number(u.port || (u.protocol === 'https:' ? 443 : 80)),
      protocol: u.protocol.replace(':', ''),
      maxNetworkRetries: 2,
    });
    return { stripe, emulator: { base: base.replace(/\/$/, '') }, close: async () => {} };
  }
  if (key.startsWith('sk_test_') && key !== 'sk_test_emulator') {
    return { stripe: new Stripe(key, { maxNetworkRetries: 2 }), emulator: null, close: async () => {} };
  }
  let mod;
  try {
    mod = await import('@collabpay/stripe-emulator');
  } catch {
    fail('no STRIPE_SECRET_KEY=sk_test_… and no STRIPE_API_BASE: build the emulator first (npm run build) or point STRIPE_API_BASE at one');
  }
  const emu = await mod.startStripeEmulator({ port: 0, delays: { availableMs: 2 * 86_400_000, payoutMs: 60_000 } });
  return {
    stripe: new Stripe(emu.secretKey, { ...emu.sdkOptions(), maxNetworkRetries: 2 }),
    emulator: { base: emu.url },
    close: () => emu.close(),
  };
}

/** POST to an emulator control endpoint (form-encoded); null on 404 (an older emulator). */
async function control(emulator, path, fields) {
  const res = await fetch(`${emulator.base}/_emulator/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields),
  });
  if (res.status === 404) return null;
  if (!res.ok) fail(`emulator control ${path} answered ${res.status}: ${await res.text()}`);
  return res.json().catch(() => ({}));
}

async function advanceClock(emulator, ms) {
  const r = (await control(emulator, 'clock/advance', { ms: String(ms) })) ?? (await control(emulator, 'advance', { ms: String(ms) }));
  if (r === null) fail('the emulator has no clock control endpoint');
}

/** Fills in the emulator's hosted onboarding form, as a person would on Stripe's page. */
async function completeEmulatorOnboarding(linkUrl) {
  const page = await fetch(linkUrl, { redirect: 'manual' });
  const html = await page.text();
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
  if (!action) fail(`no onboarding form at ${linkUrl}`);
  const form = new URLSearchParams({
    first_name: 'Smoke',
    last_name: 'Test',
    email: 'smoke@example.com',
    routing_number: '110000000',
    account_number: '000123456789',
  });
  const done = await fetch(new URL(action, linkUrl), {
    method: 'POST',
    body: form,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    redirect: 'manual',
  });
  if (done.status !== 302) fail(`onboarding form answered ${done.status}`);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const { stripe, emulator, close } = await setup();
  const run = randomUUID().slice(0, 8);
  const key = (step) => `collabpay-smoke-${run}-${step}`;
  log(emulator ? `against the Stripe emulator at ${emulator.base}` : 'against Stripe itself (test mode)');
  try {
    // 1. the company pays: a PaymentIntent on the platform account (separate charges and transfers)
    const customer = await stripe.customers.create({ email: `smoke-${run}@example.com`, name: 'Smoke Co' }, { idempotencyKey: key('customer') });
    const card = emulator ? 'pm_card_visa' : 'pm_card_bypassPending';
    const pi = await stripe.paymentIntents.create(
      {
        amount: 2000,
        currency: 'usd',
        customer: customer.id,
        payment_method: card,
        payment_method_types: ['card'],
        confirm: true,
        transfer_group: `smoke_${run}`,
        metadata: { smoke_run: run },
      },
      { idempotencyKey: key('payment') },
    );
    expectThat(pi.status === 'succeeded', `payment ${pi.id} succeeded with ${card}`);
    const chargeId = typeof pi.latest_charge === 'string' ? pi.latest_charge : pi.latest_charge?.id;
    if (!chargeId) fail('the payment has no charge');

    // 2. its funds: pending until available_on (ask Stripe for the balance transaction's status, not our clock)
    const funds = async () => (await stripe.charges.retrieve(chargeId, { expand: ['balance_transaction'] })).balance_transaction;
    let bt = await funds();
    log(`charge ${chargeId}: funds ${bt.status}, available on ${new Date(bt.available_on * 1000).toISOString()}`);
    if (bt.status === 'pending') {
      if (!emulator) fail('test-mode funds of 4000000000000077 should be available at once');
      // a transfer from the platform's available balance (no source_transaction) must be refused now, as on Stripe
      const balance = await stripe.balance.retrieve();
      const availableUsd = balance.available.find((b) => b.currency === 'usd')?.amount ?? 0;
      log(`platform balance: ${availableUsd} usd available`);
      log('advancing the emulated clock past available_on');
      await advanceClock(emulator, (bt.available_on + 1 - (await emulatorNow(emulator, bt))) * 1000);
      bt = await funds();
    }
    expectThat(bt.status === 'available', `the charge's funds are available (balance transaction ${bt.id})`);

    // 3. the influencer's Express account, on the manual payout schedule (CollabPay creates the payouts itself)
    const account = await stripe.accounts.create(
      {
        type: 'express',
        email: `smoke-influencer-${run}@example.com`,
        capabilities: { transfers: { requested: true } },
        settings: { payouts: { schedule: { interval: 'manual' } } },
        metadata: { smoke_run: run },
      },
      { idempotencyKey: key('account') },
    );
    expectThat(account.settings?.payouts?.schedule?.interval === 'manual', `account ${account.id} is on manual payouts`);
    const link = await stripe.accountLinks.create(
      { account: account.id, type: 'account_onboarding', return_url: 'https://example.com/connect/return', refresh_url: 'https://example.com/connect/refresh' },
      { idempotencyKey: key('account-link') },
    );
    if (emulator) {
      // the emulator's control endpoint does what a person does on the hosted page (older emulators: fill in the page)
      const done = await control(emulator, `accounts/${account.id}/complete_onboarding`, {});
      if (done === null) await completeEmulatorOnboarding(link.url);
    } else {
      const waitS = Number(process.env.SMOKE_ONBOARDING_WAIT_S ?? 0);
      log(`hosted onboarding needs a person: open ${link.url} (test mode: use the test data Stripe offers)`);
      if (waitS <= 0) {
        log('SKIPPED the transfer, payout and refund steps: set SMOKE_ONBOARDING_WAIT_S=600 to wait for onboarding to be completed');
        return;
      }
      const until = Date.now() + waitS * 1000;
      while (!(await stripe.accounts.retrieve(account.id)).payouts_enabled) {
        if (Date.now() > until) fail(`onboarding of ${account.id} was not completed within ${waitS} s`);
        await sleep(5000);
      }
    }
    const onboarded = await stripe.accounts.retrieve(account.id);
    expectThat(onboarded.details_submitted && onboarded.payouts_enabled, `account ${account.id} onboarded, payouts enabled`);

    // 4. the release: a Transfer against the payment's charge (source_transaction)
    const transfer = await stripe.transfers.create(
      { amount: 1500, currency: 'usd', destination: account.id, source_transaction: chargeId, transfer_group: `smoke_${run}` },
      { idempotencyKey: key('transfer') },
    );
    expectThat(transfer.source_transaction === chargeId, `transfer ${transfer.id} of 1500 carries source_transaction ${chargeId}`);
    const again = await stripe.transfers.create(
      { amount: 1500, currency: 'usd', destination: account.id, source_transaction: chargeId, transfer_group: `smoke_${run}` },
      { idempotencyKey: key('transfer') },
    );
    expectThat(again.id === transfer.id, 'the same idempotency key returns the same transfer (no second transfer)');

    // 5. the payout on the connected account, from its available balance
    const payout = await stripe.payouts.create(
      { amount: 1500, currency: 'usd', metadata: { smoke_run: run } },
      { stripeAccount: account.id, idempotencyKey: key('payout') },
    );
    expectThat(['pending', 'in_transit', 'paid'].includes(payout.status), `payout ${payout.id} created (${payout.status})`);
    if (emulator) {
      await advanceClock(emulator, 3 * 86_400_000);
      const paid = await stripe.payouts.retrieve(payout.id, {}, { stripeAccount: account.id });
      expectThat(paid.status === 'paid', `payout ${payout.id} paid after the clock moved`);
    }

    // 6. refunds reduce what the charge has left: 2000 − 1500 transferred − 500 refunded = nothing more to transfer
    const refund = await stripe.refunds.create({ charge: chargeId, amount: 500 }, { idempotencyKey: key('refund') });
    expectThat(refund.status === 'succeeded' || refund.status === 'pending', `refund ${refund.id} of 500 (${refund.status})`);
    let refused = null;
    try {
      await stripe.transfers.create(
        { amount: 1, currency: 'usd', destination: account.id, source_transaction: chargeId },
        { idempotencyKey: key('transfer-too-much') },
      );
    } catch (e) {
      refused = e;
    }
    expectThat(refused?.statusCode === 400, `a further transfer from the charge is refused (${refused?.code ?? 'accepted!'})`);
    ok('all steps passed');
  } finally {
    await close();
  }
}

/** The emulator's current time (unix s): its clock endpoint, else the balance transaction's creation time. */
async function emulatorNow(emulator, bt) {
  const res = await fetch(`${emulator.base}/_emulator/clock`).catch(() => null);
  if (res?.ok) return (await res.json()).now;
  return bt.created;
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(`[smoke:stripe] ✗ ${e instanceof SmokeFailure ? e.message : (e?.stack ?? e)}`);
    process.exit(1);
  },
);
