import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { Env, startEnv } from './helpers';

const HOUR = 3600_000;
const DAY = 24 * HOUR;

/** an endpoint that answers 500 (or 200 once `healthy`) and counts attempts per event */
async function failingEndpoint() {
  const attempts: string[] = [];
  const state = { healthy: false };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      attempts.push((JSON.parse(Buffer.concat(chunks).toString('utf8')) as Stripe.Event).id);
      res.writeHead(state.healthy ? 200 : 500).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return { url, attempts, state, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('stripe emulator: webhook retries and endpoint disabling on the emulated clock', () => {
  let env: Env;
  let stripe: Stripe;
  beforeEach(async () => {
    env = await startEnv();
    stripe = env.stripe;
  });
  afterEach(() => env.close());

  it('retries a failed delivery 3 times, 1 h, 2 h and 4 h after each failure (test mode), then gives up', async () => {
    const ep = await failingEndpoint();
    try {
      await stripe.webhookEndpoints.create({ url: ep.url, enabled_events: ['customer.created'] });
      const cus = await stripe.customers.create({ email: 'retry@example.com' });
      await env.emu.flushWebhooks();
      expect(ep.attempts).toHaveLength(1);
      const evId = ep.attempts[0];
      expect((await stripe.events.retrieve(evId)).pending_webhooks).toBe(1); // only our failing endpoint is still pending
      for (const [wait, total] of [
        [HOUR, 2],
        [2 * HOUR, 3],
        [4 * HOUR, 4],
      ] as const) {
        await env.emu.advanceTime(wait - 60_000); // not yet
        await env.emu.flushWebhooks();
        expect(ep.attempts).toHaveLength(total - 1);
        await env.emu.advanceTime(60_000);
        await env.emu.flushWebhooks();
        expect(ep.attempts).toHaveLength(total);
      }
      expect(new Set(ep.attempts)).toEqual(new Set([evId]));
      await env.emu.advanceTime(DAY); // no fifth attempt
      await env.emu.flushWebhooks();
      expect(ep.attempts).toHaveLength(4);
      const ev = await stripe.events.retrieve(evId);
      expect(ev.pending_webhooks).toBe(1);
      expect((ev.data.object as Stripe.Customer).id).toBe(cus.id);
    } finally {
      await ep.close();
    }
  });

  it('a retry that succeeds counts down pending_webhooks', async () => {
    const ep = await failingEndpoint();
    try {
      await stripe.webhookEndpoints.create({ url: ep.url, enabled_events: ['customer.created'] });
      await stripe.customers.create({});
      await env.emu.flushWebhooks();
      ep.state.healthy = true;
      await env.emu.advanceTime(HOUR);
      await env.emu.flushWebhooks();
      expect(ep.attempts).toHaveLength(2);
      expect((await stripe.events.retrieve(ep.attempts[0])).pending_webhooks).toBe(0);
    } finally {
      await ep.close();
    }
  });

  it('an endpoint that fails every delivery for 3 days is disabled and gets nothing more', async () => {
    const ep = await failingEndpoint();
    try {
      const we = await stripe.webhookEndpoints.create({ url: ep.url, enabled_events: ['customer.created'] });
      await stripe.customers.create({});
      await env.emu.flushWebhooks();
      await env.emu.advanceTime(2 * DAY);
      await stripe.customers.create({}); // still failing on day 2
      await env.emu.flushWebhooks();
      expect((await stripe.webhookEndpoints.retrieve(we.id)).status).toBe('enabled');
      await env.emu.advanceTime(DAY);
      await env.emu.flushWebhooks();
      expect((await stripe.webhookEndpoints.retrieve(we.id)).status).toBe('disabled');
      const before = ep.attempts.length;
      await stripe.customers.create({});
      await env.emu.advanceTime(DAY);
      await env.emu.flushWebhooks();
      expect(ep.attempts).toHaveLength(before);
      // enabling it again starts over
      await stripe.webhookEndpoints.update(we.id, { disabled: false });
      ep.state.healthy = true;
      await stripe.customers.create({});
      await env.emu.flushWebhooks();
      expect(ep.attempts).toHaveLength(before + 1);
    } finally {
      await ep.close();
    }
  });

  it('a success in between resets the failure streak: the endpoint stays enabled', async () => {
    const ep = await failingEndpoint();
    try {
      const we = await stripe.webhookEndpoints.create({ url: ep.url, enabled_events: ['customer.created'] });
      await stripe.customers.create({});
      await env.emu.flushWebhooks();
      await env.emu.advanceTime(2 * DAY);
      ep.state.healthy = true;
      await stripe.customers.create({});
      await env.emu.flushWebhooks();
      ep.state.healthy = false;
      await env.emu.advanceTime(2 * DAY);
      expect((await stripe.webhookEndpoints.retrieve(we.id)).status).toBe('enabled');
    } finally {
      await ep.close();
    }
  });

  it('events carry api_version, request id and idempotency key; Connect events carry account', async () => {
    await stripe.customers.create({ email: 'req@example.com' }, { idempotencyKey: 'cus-req-1' });
    const acct = await stripe.accounts.create({ type: 'express' });
    await stripe.accounts.update(acct.id, { email: 'a@example.com' }, { idempotencyKey: 'acct-upd-1' });
    await env.emu.flushWebhooks();
    const cus = env.receiver.events('customer.created', 'platform').find((e) => (e.data.object as Stripe.Customer).email === 'req@example.com')!;
    expect(cus.api_version).toBe('2026-10-28.endive');
    expect(cus.request).toEqual({ id: expect.stringMatching(/^req_/), idempotency_key: 'cus-req-1' });
    expect(cus.account).toBeUndefined();
    const upd = env.receiver.events('account.updated', 'connect').find((e) => e.account === acct.id)!;
    expect(upd.request?.idempotency_key).toBe('acct-upd-1');
    expect(env.receiver.events('account.updated', 'platform')).toHaveLength(0);
  });
});
