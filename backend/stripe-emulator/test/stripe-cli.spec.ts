import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Stripe from 'stripe';
import { control, Env, startEnv } from './helpers';

/**
 * An outside client: Stripe's own CLI (`@stripe/cli`, the `stripe` binary) runs `stripe trigger <event>` against the
 * emulator. Each fixture is the CLI's sequence of real API calls (pkg/fixtures/triggers/*.json in stripe/stripe-cli);
 * the test asserts the CLI succeeded and that the emulator emitted the event (listed by /v1/events and delivered,
 * signed, to a webhook endpoint).
 */
const EVENTS = [
  'payment_intent.succeeded',
  'payment_intent.payment_failed',
  'payment_intent.canceled',
  'charge.refunded',
  'charge.dispute.created',
  'invoice.finalized',
  'invoice.payment_succeeded',
  'invoice.payment_failed',
  'customer.subscription.created',
  'customer.subscription.deleted',
  'setup_intent.succeeded',
  'account.updated',
  'transfer.created',
  'payout.created',
  'payout.updated',
];

/** the platform binary that @stripe/cli installs through its optional dependency (no install script needed) */
function stripeBinary(): string {
  const platforms = require('@stripe/cli/platforms.json') as Record<string, { pkg: string; bin: string }>;
  const platform = platforms[`${process.platform}-${process.arch}`];
  if (!platform) throw new Error(`@stripe/cli ships no binary for ${process.platform}-${process.arch}`);
  return path.join(path.dirname(require.resolve(`${platform.pkg}/package.json`)), 'bin', platform.bin);
}

interface Run {
  code: number;
  output: string;
}

describe('stripe CLI: `stripe trigger` against the emulator', () => {
  let env: Env;
  let stripe: Stripe;
  let home: string;
  const bin = stripeBinary();

  beforeAll(async () => {
    // card funds pending for two days as on Stripe (the payout and transfer fixtures pay with pm_card_bypassPending)
    env = await startEnv({ delays: { payoutMs: 200, processingMs: 100, availableMs: 2 * 86_400_000 } });
    stripe = env.stripe;
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'stripe-cli-'));
  });
  afterAll(async () => {
    await env.close();
    fs.rmSync(home, { recursive: true, force: true });
  });

  function trigger(event: string): Promise<Run> {
    return new Promise((resolve) => {
      execFile(
        bin,
        ['trigger', event, '--api-base', env.emu.url, '--api-key', env.emu.secretKey],
        {
          timeout: 30_000,
          env: {
            PATH: process.env.PATH ?? '',
            // no login, no config, no credentials of the developer's: a fresh config folder
            HOME: home,
            XDG_CONFIG_HOME: home,
            STRIPE_CLI_TELEMETRY_OPTOUT: '1',
            // the CLI checks GitHub for a newer release on every trigger; route that (and anything else not on
            // loopback, which Go never proxies) to a closed port so it fails at once instead of waiting on the network
            HTTPS_PROXY: 'http://127.0.0.1:9',
            HTTP_PROXY: 'http://127.0.0.1:9',
          },
        },
        (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, output: `${stdout}${stderr}` }),
      );
    });
  }

  async function eventIds(): Promise<Set<string>> {
    await env.emu.flushWebhooks();
    return new Set(env.receiver.deliveries.map((d) => d.event.id));
  }

  it('is the real Stripe CLI', async () => {
    const out = await new Promise<string>((resolve, reject) =>
      execFile(bin, ['version'], { env: { PATH: process.env.PATH ?? '', HOME: home, XDG_CONFIG_HOME: home, STRIPE_CLI_TELEMETRY_OPTOUT: '1' } }, (e, so) =>
        e ? reject(e) : resolve(so),
      ),
    );
    expect(out).toMatch(/stripe version \d+\.\d+\.\d+/);
  });

  it.each(EVENTS)('stripe trigger %s', async (event) => {
    if (event === 'transfer.created') {
      // the fixture transfers 1000 from the platform balance after a 1000 payment that nets less after Stripe's fee;
      // on Stripe too it needs a test account with some available balance
      await control(env.emu, 'balance/platform/add', { amount: '1000', currency: 'usd' });
    }
    const seen = await eventIds();
    const run = await trigger(event);
    if (run.code !== 0) throw new Error(`stripe trigger ${event} exited ${run.code}:\n${run.output}`);
    expect(run.output).toContain('Trigger succeeded!');

    await env.emu.flushWebhooks();
    const fresh = env.receiver.deliveries.filter((d) => !seen.has(d.event.id) && d.event.type === event);
    expect(fresh.length).toBeGreaterThan(0);
    expect(fresh.every((d) => d.verified)).toBe(true);
    const ev = fresh[0].event;
    // the same event through the API: on the platform, or on the connected account it happened on
    const listed = await stripe.events.list({ type: event, limit: 100 }, ev.account ? { stripeAccount: ev.account } : undefined);
    expect(listed.data.map((e) => e.id)).toContain(ev.id);
    expect(fresh[0].endpoint).toBe(ev.account ? 'connect' : 'platform');
  });
});
