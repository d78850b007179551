import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { startStripeEmulator, StripeEmulator } from '@collabpay/stripe-emulator';

const SCRIPT = join(__dirname, '..', '..', '..', 'scripts', 'smoke-stripe.mjs');

function runSmoke(env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SCRIPT], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

/** `npm run smoke:stripe` against the emulator, as `npm test` runs it (Stripe test mode needs a key and a network). */
describe('npm run smoke:stripe (the money flow through the stripe SDK) against the emulator', () => {
  let emu: StripeEmulator;
  beforeAll(async () => {
    // card funds pending for two days, like Stripe: the script has to wait for them (by advancing the emulated clock)
    emu = await startStripeEmulator({ port: 0, delays: { availableMs: 2 * 86_400_000, payoutMs: 60_000, processingMs: 200 } });
  });
  afterAll(() => emu?.close());

  it('walks payment → available funds → manual-payout Express account → onboarding → source_transaction transfer → payout → refund', async () => {
    const { code, out } = await runSmoke({ STRIPE_API_BASE: emu.url, STRIPE_SECRET_KEY: emu.secretKey });
    expect(out).toContain('funds pending');
    for (const step of [
      'succeeded with pm_card_visa',
      "the charge's funds are available",
      'is on manual payouts',
      'onboarded, payouts enabled',
      'carries source_transaction ch_',
      'returns the same transfer',
      'paid after the clock moved',
      'a further transfer from the charge is refused',
      'all steps passed',
    ]) {
      // only the ✓ lines count (a failure message names the step too)
      expect({ step, passed: out.split('\n').some((l) => l.includes('✓') && l.includes(step)) }).toEqual({ step, passed: true });
    }
    expect({ code, out }).toEqual({ code: 0, out });
  });

  it('refuses a live key before making any call', async () => {
    const { code, out } = await runSmoke({ STRIPE_SECRET_KEY: 'sk_live_not_a_real_key' });
    expect(code).toBe(1);
    expect(out).toContain('refusing to run against a live key');
  });
});
