import Stripe from 'stripe';
import { control, Env, expectStripeError, startEnv } from './helpers';

const DAY = 24 * 3600_000;

describe('stripe emulator: connected accounts — payout schedules, requirements, login links', () => {
  let env: Env;
  let stripe: Stripe;
  beforeEach(async () => {
    env = await startEnv();
    stripe = env.stripe;
  });
  afterEach(() => env.close());

  const usd = (b: Stripe.Balance) => b.available.find((x) => x.currency === 'usd')?.amount ?? 0;

  async function funded(interval?: 'manual' | 'daily'): Promise<string> {
    const acct = await stripe.accounts.create({ type: 'express', ...(interval ? { settings: { payouts: { schedule: { interval } } } } : {}) });
    await control(env.emu, `accounts/${acct.id}/complete_onboarding`);
    await control(env.emu, `balance/${acct.id}/add`, { amount: '4200', currency: 'usd' });
    return acct.id;
  }

  it("accounts start on Stripe's default schedule: daily automatic payouts, 2 days delay", async () => {
    const acct = await stripe.accounts.create({ type: 'express' });
    expect(acct.settings?.payouts?.schedule).toEqual({ delay_days: 2, interval: 'daily' });
    const manual = await stripe.accounts.create({ type: 'express', settings: { payouts: { schedule: { interval: 'manual' } } } });
    expect(manual.settings?.payouts?.schedule.interval).toBe('manual');
    const updated = await stripe.accounts.update(acct.id, { settings: { payouts: { schedule: { interval: 'manual' } } } });
    expect(updated.settings?.payouts?.schedule.interval).toBe('manual');
    const bad = await expectStripeError(stripe.accounts.create({ type: 'express', settings: { payouts: { schedule: { interval: 'hourly' as 'daily' } } } }));
    expect(bad.statusCode).toBe(400);
    expect(bad.param).toBe('settings[payouts][schedule][interval]');
    const delayOnManual = await expectStripeError(
      stripe.accounts.create({ type: 'express', settings: { payouts: { schedule: { interval: 'manual', delay_days: 7 } } } }),
    );
    expect(delayOnManual.param).toBe('settings[payouts][schedule][delay_days]');
    const weeklyNoAnchor = await expectStripeError(stripe.accounts.update(acct.id, { settings: { payouts: { schedule: { interval: 'weekly' } } } }));
    expect(weeklyNoAnchor.code).toBe('parameter_missing');
  });

  it('the emulator pays out automatic accounts by itself once per emulated day; manual accounts are left alone', async () => {
    const daily = await funded();
    const manual = await funded('manual');
    await env.emu.advanceTime(DAY - 60_000);
    expect((await stripe.payouts.list({}, { stripeAccount: daily })).data).toHaveLength(0);
    await env.emu.advanceTime(60_000);
    const [po] = (await stripe.payouts.list({}, { stripeAccount: daily })).data;
    expect(po).toMatchObject({ automatic: true, amount: 4200, currency: 'usd' });
    expect(usd(await stripe.balance.retrieve({}, { stripeAccount: daily }))).toBe(0);
    expect((await stripe.payouts.list({}, { stripeAccount: manual })).data).toHaveLength(0);
    expect(usd(await stripe.balance.retrieve({}, { stripeAccount: manual }))).toBe(4200);
    await env.emu.advanceTime(DAY);
    expect((await stripe.payouts.retrieve(po.id, {}, { stripeAccount: daily })).status).toBe('paid');
    await env.emu.flushWebhooks();
    const evs = env.receiver.events(undefined, 'connect').filter((e) => (e.data.object as Stripe.Payout).id === po.id);
    expect(evs.map((e) => e.type)).toEqual(expect.arrayContaining(['payout.created', 'payout.paid']));
    expect(evs.every((e) => e.account === daily)).toBe(true);
    // switching to manual stops it
    await stripe.accounts.update(daily, { settings: { payouts: { schedule: { interval: 'manual' } } } });
    await control(env.emu, `balance/${daily}/add`, { amount: '1000', currency: 'usd' });
    await env.emu.advanceTime(2 * DAY);
    expect((await stripe.payouts.list({}, { stripeAccount: daily })).data).toHaveLength(1);
  });

  it('requirements: currently_due → past_due at current_deadline → payouts_enabled false with disabled_reason; onboarding clears them', async () => {
    const acct = await funded('manual');
    const deadline = env.emu.now() + 3 * 86400;
    const set = (await control(env.emu, `accounts/${acct}/requirements`, {
      'currently_due[0]': 'individual.verification.document',
      current_deadline: String(deadline),
    })) as Stripe.Account;
    expect(set.requirements).toMatchObject({ currently_due: ['individual.verification.document'], past_due: [], current_deadline: deadline });
    expect(set.payouts_enabled).toBe(true);
    await stripe.payouts.create({ amount: 100, currency: 'usd' }, { stripeAccount: acct }); // still fine before the deadline
    await env.emu.advanceTime(3 * DAY - 60_000);
    expect((await stripe.accounts.retrieve(acct)).payouts_enabled).toBe(true);
    await env.emu.advanceTime(60_000);
    const after = await stripe.accounts.retrieve(acct);
    expect(after.payouts_enabled).toBe(false);
    expect(after.requirements).toMatchObject({ past_due: ['individual.verification.document'], disabled_reason: 'requirements.past_due' });
    const refused = await expectStripeError(stripe.payouts.create({ amount: 100, currency: 'usd' }, { stripeAccount: acct }));
    expect(refused.code).toBe('payouts_not_allowed');
    await env.emu.flushWebhooks();
    const upd = env.receiver.events('account.updated', 'connect').filter((e) => e.account === acct);
    expect(upd.some((e) => (e.data.object as Stripe.Account).payouts_enabled === false)).toBe(true);
    // an unrelated update does not re-enable payouts
    await stripe.accounts.update(acct, { metadata: { x: '1' } });
    expect((await stripe.accounts.retrieve(acct)).payouts_enabled).toBe(false);
    await control(env.emu, `accounts/${acct}/complete_onboarding`);
    const fixed = await stripe.accounts.retrieve(acct);
    expect(fixed.payouts_enabled).toBe(true);
    expect(fixed.requirements).toMatchObject({ currently_due: [], past_due: [], disabled_reason: null, current_deadline: null });
  });

  it('Express login links: only for onboarded Express accounts, single use', async () => {
    const fresh = await stripe.accounts.create({ type: 'express' });
    expect((await expectStripeError(stripe.accounts.createLoginLink(fresh.id))).statusCode).toBe(400);
    const custom = await stripe.accounts.create({ type: 'custom' });
    await control(env.emu, `accounts/${custom.id}/complete_onboarding`);
    expect((await expectStripeError(stripe.accounts.createLoginLink(custom.id))).statusCode).toBe(400);
    const acct = await funded('manual');
    const link = await stripe.accounts.createLoginLink(acct);
    expect(link.object).toBe('login_link');
    expect(link.created).toBe(env.emu.now());
    const page = await fetch(link.url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(acct);
    expect((await fetch(link.url)).status).toBe(410);
    const late = await stripe.accounts.createLoginLink(acct);
    await env.emu.advanceTime(10 * 60_000);
    expect((await fetch(late.url)).status).toBe(410);
  });
});
