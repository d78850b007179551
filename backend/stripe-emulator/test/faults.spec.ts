import Stripe from 'stripe';
import { Env, expectStripeError, startEnv } from './helpers';

async function faultsControl(env: Env, method: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${env.emu.url}/_emulator/faults`, {
    method,
    headers: body ? { 'Content-Type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, json: await res.json() };
}

describe('stripe emulator: API fault injection', () => {
  let env: Env;
  let stripe: Stripe;
  /** retries with the SDK's own idempotency key, fast */
  let retrying: Stripe;
  beforeAll(async () => {
    env = await startEnv();
    stripe = env.stripe;
    retrying = new Stripe(env.emu.secretKey, { ...env.emu.sdkOptions(), maxNetworkRetries: 2 });
  });
  afterAll(() => env.close());
  afterEach(() => env.emu.faults.clear());

  const countCustomers = async (email: string) => (await stripe.customers.list({ email, limit: 100 })).data.length;

  it('control endpoint: add (JSON or form), list with remaining times and hits, clear; bad specs are 400', async () => {
    const a = await faultsControl(env, 'POST', { method: 'post', path: '^/v1/customers$', mode: 'error_before', times: 2 });
    expect(a.status).toBe(200);
    expect(a.json.id).toMatch(/^fault_/);
    const form = await fetch(`${env.emu.url}/_emulator/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'path=%5E%2Fv1%2Frefunds%24&mode=delay&delayMs=5',
    });
    expect(form.status).toBe(200);
    let listed = await faultsControl(env, 'GET');
    expect(listed.json.data).toEqual([
      expect.objectContaining({ id: a.json.id, method: 'POST', path: '^/v1/customers$', mode: 'error_before', times: 2, hits: 0, status: 500 }),
      expect.objectContaining({ method: null, path: '^/v1/refunds$', mode: 'delay', times: 1, hits: 0, delayMs: 5 }),
    ]);
    await expectStripeError(stripe.customers.create({ email: 'ctl@example.com' }));
    listed = await faultsControl(env, 'GET');
    expect(listed.json.data[0]).toEqual(expect.objectContaining({ times: 1, hits: 1 }));
    for (const bad of [{ mode: 'error_before' }, { path: '^/v1/x', mode: 'explode' }, { path: '(', mode: 'delay' }, { path: 'x', mode: 'delay', times: 0 }]) {
      const r = await faultsControl(env, 'POST', bad);
      expect(r.status).toBe(400);
      expect(r.json.error.type).toBe('invalid_request_error');
    }
    expect((await faultsControl(env, 'DELETE')).status).toBe(200);
    expect((await faultsControl(env, 'GET')).json.data).toEqual([]);
    expect(env.emu.faults.list()).toEqual([]);
  });

  it('error_before answers 500 api_error and applies nothing; it fires `times` times, GET faults only match GETs', async () => {
    env.emu.faults.add({ method: 'POST', path: '^/v1/customers$', mode: 'error_before', times: 1 });
    const err = await expectStripeError(stripe.customers.create({ email: 'eb@example.com' }));
    expect(err.statusCode).toBe(500);
    expect(err.type).toBe('StripeAPIError');
    expect(await countCustomers('eb@example.com')).toBe(0); // the GET list is not matched by a POST fault
    await stripe.customers.create({ email: 'eb@example.com' }); // spent after one hit
    expect(await countCustomers('eb@example.com')).toBe(1);
    env.emu.faults.add({ path: '^/v1/customers$', mode: 'error_before', status: 503 });
    expect((await expectStripeError(stripe.customers.list({ email: 'eb@example.com' }))).statusCode).toBe(503);
    expect(env.emu.faults.list()[1]).toEqual(expect.objectContaining({ times: 0, hits: 1 }));
  });

  it('error_before stores no idempotent result: the same key then applies the request once', async () => {
    env.emu.faults.add({ method: 'POST', path: '^/v1/customers$', mode: 'error_before' });
    const key = 'fault-test-error-before';
    await expectStripeError(stripe.customers.create({ email: 'ebk@example.com' }, { idempotencyKey: key }));
    const c = await stripe.customers.create({ email: 'ebk@example.com' }, { idempotencyKey: key });
    const again = await stripe.customers.create({ email: 'ebk@example.com' }, { idempotencyKey: key });
    expect(again.id).toBe(c.id);
    expect(await countCustomers('ebk@example.com')).toBe(1);
  });

  it('reset_before destroys the connection and applies nothing', async () => {
    // two resets: maxNetworkRetries 0 still retries one closed connection (stripe-node), so both attempts are reset
    env.emu.faults.add({ method: 'POST', path: '^/v1/customers$', mode: 'reset_before', times: 2 });
    const err = await expectStripeError(stripe.customers.create({ email: 'rb@example.com' }));
    expect(err.type).toBe('StripeConnectionError');
    expect(await countCustomers('rb@example.com')).toBe(0);
    expect(env.emu.faults.list()[0].hits).toBe(2);
  });

  it('lose_response applies the request (object, event, idempotent result) and then drops the connection', async () => {
    env.emu.faults.add({ method: 'POST', path: '^/v1/customers$', mode: 'lose_response', times: 2 });
    const key = 'fault-test-lose-response';
    const err = await expectStripeError(stripe.customers.create({ email: 'lr@example.com' }, { idempotencyKey: key }));
    expect(err.type).toBe('StripeConnectionError');
    const listed = await stripe.customers.list({ email: 'lr@example.com' });
    expect(listed.data).toHaveLength(1); // applied once: the SDK's own retry replayed the stored result
    const events = await stripe.events.list({ type: 'customer.created', limit: 100 });
    expect(events.data.filter((e) => (e.data.object as Stripe.Customer).id === listed.data[0].id)).toHaveLength(1);
    const replay = await stripe.customers.create({ email: 'lr@example.com' }, { idempotencyKey: key });
    expect(replay.id).toBe(listed.data[0].id);
    expect(replay.lastResponse.headers['idempotent-replayed']).toBe('true');
  });

  it('a lost response without an idempotency key on the retry creates a second object (what the keys are for)', async () => {
    env.emu.faults.add({ method: 'POST', path: '^/v1/customers$', mode: 'lose_response', times: 2 });
    await expectStripeError(stripe.customers.create({ email: 'nokey@example.com' }, { idempotencyKey: 'first' }));
    await stripe.customers.create({ email: 'nokey@example.com' }, { idempotencyKey: 'second' });
    expect(await countCustomers('nokey@example.com')).toBe(2);
  });

  it('the SDK retries (maxNetworkRetries) a lost response and a 500 with its own key: exactly one object', async () => {
    env.emu.faults.add({ method: 'POST', path: '^/v1/customers$', mode: 'lose_response' });
    env.emu.faults.add({ method: 'POST', path: '^/v1/customers$', mode: 'error_before' });
    const c = await retrying.customers.create({ email: 'sdk@example.com' });
    expect(c.id).toMatch(/^cus_/);
    expect(await countCustomers('sdk@example.com')).toBe(1);
    expect(env.emu.faults.list().map((f) => f.hits)).toEqual([1, 1]);
  });

  it('delay slows a request down and then applies it normally', async () => {
    env.emu.faults.add({ method: 'GET', path: '^/v1/balance$', mode: 'delay', delayMs: 50 });
    const t0 = Date.now();
    const bal = await stripe.balance.retrieve();
    expect(bal.object).toBe('balance');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(45);
    expect(env.emu.faults.list()[0]).toEqual(expect.objectContaining({ hits: 1, times: 0 }));
  });

  it('a fault on a money-moving call: a lost refund response retried with the same key refunds once', async () => {
    const pi = await stripe.paymentIntents.create({
      amount: 5000,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      confirm: true,
      automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
    });
    env.emu.faults.add({ method: 'POST', path: '^/v1/refunds$', mode: 'lose_response', times: 2 });
    await expectStripeError(stripe.refunds.create({ payment_intent: pi.id, amount: 1000 }, { idempotencyKey: 'refund-once' }));
    const r = await stripe.refunds.create({ payment_intent: pi.id, amount: 1000 }, { idempotencyKey: 'refund-once' });
    const refunds = await stripe.refunds.list({ payment_intent: pi.id });
    expect(refunds.data.map((x) => x.id)).toEqual([r.id]);
    const charge = await stripe.charges.retrieve(pi.latest_charge as string);
    expect(charge.amount_refunded).toBe(1000);
  });
});
