import Stripe from 'stripe';
import { startStripeEmulator, StripeEmulator } from '../src';
import { IDEMPOTENCY_KEY_TTL_MS, IdempotencyStore } from '../src/idempotency';

/**
 * Idempotency as Stripe runs it: a result is saved only once the endpoint began executing (a request that failed
 * validation saves nothing, so the same key with fixed parameters is a new request); saved results — errors
 * included — are replayed; other parameters under the same key are an `idempotency_error`; keys expire after 24 h
 * on the emulated clock.
 */

let emu: StripeEmulator;
let stripe: Stripe;
beforeAll(async () => {
  emu = await startStripeEmulator({ port: 0, logger: () => undefined });
  stripe = new Stripe(emu.secretKey, { ...emu.sdkOptions(), maxNetworkRetries: 0 });
});
afterAll(() => emu.close());

interface Answer {
  status: number;
  replayed: boolean;
  requestId: string | null;
  body: { id?: string; error?: { type: string; code?: string; param?: string; message: string } };
}
async function post(path: string, form: string, key: string): Promise<Answer> {
  const res = await fetch(`${emu.url}${path}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${emu.secretKey}`, 'Content-Type': 'application/x-www-form-urlencoded', 'Idempotency-Key': key },
    body: form,
  });
  return {
    status: res.status,
    replayed: res.headers.get('idempotent-replayed') === 'true',
    requestId: res.headers.get('request-id'),
    body: (await res.json()) as Answer['body'],
  };
}
const customersNamed = async (name: string) => (await stripe.customers.list({ limit: 100 })).data.filter((c) => c.name === name);

describe('idempotency keys like Stripe', () => {
  it('saves nothing for a request that failed validation: the same key with fixed parameters is a new request', async () => {
    const bad = await post('/v1/customers', 'name=Fixed%20later&emial=a%40b.co', 'key-validation-1');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'parameter_unknown', param: 'emial' });
    expect(await customersNamed('Fixed later')).toHaveLength(0);

    const fixed = await post('/v1/customers', 'name=Fixed%20later&email=a%40b.co', 'key-validation-1');
    expect(fixed.status).toBe(200);
    expect(fixed.replayed).toBe(false);
    const again = await post('/v1/customers', 'name=Fixed%20later&email=a%40b.co', 'key-validation-1');
    expect(again).toMatchObject({ status: 200, replayed: true, requestId: fixed.requestId });
    expect(again.body.id).toBe(fixed.body.id);
    expect(await customersNamed('Fixed later')).toHaveLength(1);
  });

  it('also saves nothing for a bad enum, integer or empty value', async () => {
    for (const form of ['amount=abc&currency=usd', 'amount=500&currency=usd&capture_method=later', 'amount=&currency=usd']) {
      const r = await post('/v1/payment_intents', form, 'key-validation-2');
      expect(r.status).toBe(400);
    }
    const ok = await post('/v1/payment_intents', 'amount=500&currency=usd', 'key-validation-2');
    expect(ok.status).toBe(200);
    expect(ok.body.id).toMatch(/^pi_/);
  });

  it('replays an error raised once the endpoint ran (the request is not tried again)', async () => {
    const first = await post('/v1/payment_intents', 'amount=500&currency=usd&confirm=true&payment_method=pm_card_chargeDeclined', 'key-declined');
    expect(first.status).toBe(402);
    expect(first.body.error).toMatchObject({ type: 'card_error', code: 'card_declined' });
    const replay = await post('/v1/payment_intents', 'amount=500&currency=usd&confirm=true&payment_method=pm_card_chargeDeclined', 'key-declined');
    expect(replay).toMatchObject({ status: 402, replayed: true, requestId: first.requestId });
  });

  it('refuses the same key with other parameters', async () => {
    expect((await post('/v1/customers', 'name=One', 'key-mismatch')).status).toBe(200);
    const other = await post('/v1/customers', 'name=Two', 'key-mismatch');
    expect(other.status).toBe(400);
    expect(other.body.error).toMatchObject({ type: 'idempotency_error' });
    expect(other.body.error!.message).toContain('Keys for idempotent requests can only be used with the same parameters');
  });

  it('forgets a key after 24 hours on the emulated clock, not before', async () => {
    const first = await post('/v1/customers', 'name=Day%20one', 'key-expiry');
    expect(first.status).toBe(200);
    await emu.advanceTime(IDEMPOTENCY_KEY_TTL_MS - 60_000);
    const stillSaved = await post('/v1/customers', 'name=Day%20one', 'key-expiry');
    expect(stillSaved).toMatchObject({ status: 200, replayed: true });
    expect(stillSaved.body.id).toBe(first.body.id);

    await emu.advanceTime(60_000);
    const fresh = await post('/v1/customers', 'name=Day%20one', 'key-expiry');
    expect(fresh).toMatchObject({ status: 200, replayed: false });
    expect(fresh.body.id).not.toBe(first.body.id);
    // and the expired key may now carry other parameters
    await emu.advanceTime(IDEMPOTENCY_KEY_TTL_MS);
    expect((await post('/v1/customers', 'name=Day%20two', 'key-expiry')).status).toBe(200);
  });

  it('scopes keys per account (Stripe-Account)', async () => {
    const acct = await stripe.accounts.create({ type: 'express', country: 'US', capabilities: { transfers: { requested: true } } });
    const platform = await stripe.customers.create({ name: 'Scoped' }, { idempotencyKey: 'key-scope' });
    const connected = await stripe.customers.create({ name: 'Scoped' }, { idempotencyKey: 'key-scope', stripeAccount: acct.id });
    expect(connected.id).not.toBe(platform.id);
  });

  it('answers 409 idempotency_key_in_use while the first request under the key is still executing (store level: handlers run in one tick)', () => {
    let now = 0;
    const store = new IdempotencyStore(() => now);
    const rec = store.begin('acct_platform', 'k', 'POST /v1/payouts amount=1', 'req_1');
    const busy = store.lookup('acct_platform', 'k', 'POST /v1/payouts amount=1');
    expect(busy).toMatchObject({
      kind: 'error',
      error: { status: 409, body: { type: 'idempotency_error', code: 'idempotency_key_in_use' } },
      headers: { 'Stripe-Should-Retry': 'true' },
    });
    store.finish(rec, 200, '{}');
    expect(store.lookup('acct_platform', 'k', 'POST /v1/payouts amount=1')).toMatchObject({ kind: 'replay' });
    expect(store.lookup('acct_other', 'k', 'POST /v1/payouts amount=1')).toEqual({ kind: 'fresh' });
    now += IDEMPOTENCY_KEY_TTL_MS;
    expect(store.lookup('acct_platform', 'k', 'POST /v1/payouts amount=2')).toEqual({ kind: 'fresh' });
  });
});
