import Stripe from 'stripe';
import { Env, startEnv } from './helpers';

const DAY = 24 * 3600_000;

describe('stripe emulator: the emulated clock', () => {
  let env: Env;
  let stripe: Stripe;
  beforeAll(async () => {
    env = await startEnv();
    stripe = env.stripe;
  });
  afterAll(() => env.close());

  const clock = async (method: 'GET' | 'POST', path: string, body?: Record<string, string>) => {
    const res = await fetch(`${env.emu.url}/_emulator/${path}`, {
      method,
      headers: body ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {},
      body: body ? new URLSearchParams(body).toString() : undefined,
    });
    return { status: res.status, cors: res.headers.get('access-control-allow-origin'), json: (await res.json()) as { now: number; error?: unknown } };
  };

  it('GET /_emulator/clock and POST /_emulator/clock/advance (ms or to), CORS open; objects are stamped with it', async () => {
    const start = await clock('GET', 'clock');
    expect(start.status).toBe(200);
    expect(start.cors).toBe('*');
    expect(Math.abs(start.json.now - Math.floor(Date.now() / 1000))).toBeLessThanOrEqual(2);
    const moved = await clock('POST', 'clock/advance', { ms: String(3 * DAY) });
    expect(moved.cors).toBe('*');
    expect(moved.json.now - start.json.now).toBeGreaterThanOrEqual(3 * 86400);
    expect(moved.json.now - start.json.now).toBeLessThanOrEqual(3 * 86400 + 2);
    const cus = await stripe.customers.create({});
    expect(Math.abs(cus.created - moved.json.now)).toBeLessThanOrEqual(1);
    const to = moved.json.now + 86400;
    expect((await clock('POST', 'clock/advance', { to: String(to) })).json.now).toBe(to);
    expect(env.emu.now()).toBeGreaterThanOrEqual(to);
    await env.emu.advanceTime(DAY);
    expect((await clock('GET', 'clock')).json.now).toBeGreaterThanOrEqual(to + 86400);
  });

  it('refuses to go back or to guess', async () => {
    expect((await clock('POST', 'clock/advance', { ms: '-5' })).status).toBe(400);
    expect((await clock('POST', 'clock/advance', { to: '1000' })).status).toBe(400);
    expect((await clock('POST', 'clock/advance', {})).status).toBe(400);
    expect((await clock('POST', 'clock/advance', { ms: 'soon' })).status).toBe(400);
  });

  it('runs timers at their own due time inside one advance (a payout created by an automatic run is paid in the same window)', async () => {
    const acct = await stripe.accounts.create({ type: 'express' });
    const post = (path: string, body: Record<string, string> = {}) =>
      fetch(`${env.emu.url}/_emulator/${path}`, { method: 'POST', body: new URLSearchParams(body) });
    await post(`accounts/${acct.id}/complete_onboarding`);
    await post(`balance/${acct.id}/add`, { amount: '900', currency: 'usd' });
    await clock('POST', 'clock/advance', { ms: String(3 * DAY) });
    const [po] = (await stripe.payouts.list({}, { stripeAccount: acct.id })).data;
    expect(po.automatic).toBe(true);
    expect(po.status).toBe('paid');
  });
});
