import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { startStripeEmulator, StripeEmulator, StripeEmulatorOptions } from '../src';

export interface Delivery {
  event: Stripe.Event;
  signature: string;
  verified: boolean;
  endpoint: string;
}

/** A local webhook receiver that verifies every delivery with `stripe.webhooks.constructEvent`. */
export class Receiver {
  readonly deliveries: Delivery[] = [];
  readonly rejected: Array<{ endpoint: string; error: string }> = [];
  /** answer 500 to this many upcoming deliveries */
  failNext = 0;
  private server!: http.Server;
  url = '';
  private waiters: Array<() => void> = [];

  constructor(
    private readonly stripe: Stripe,
    private readonly secrets: Record<string, string>,
  ) {}

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const endpoint = (req.url ?? '/').slice(1);
        const raw = Buffer.concat(chunks);
        const sig = String(req.headers['stripe-signature'] ?? '');
        if (this.failNext > 0) {
          this.failNext -= 1;
          res.writeHead(500).end('boom');
          return;
        }
        try {
          const event = this.stripe.webhooks.constructEvent(raw, sig, this.secrets[endpoint] ?? 'whsec_missing');
          this.deliveries.push({ event, signature: sig, verified: true, endpoint });
          res.writeHead(200).end('ok');
        } catch (e) {
          this.rejected.push({ endpoint, error: (e as Error).message });
          res.writeHead(400).end('bad signature');
        }
        for (const w of this.waiters.splice(0)) w();
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  endpoint(name: string): string {
    return `${this.url}/${name}`;
  }

  events(type?: string, endpoint?: string): Stripe.Event[] {
    return this.deliveries.filter((d) => (!type || d.event.type === type) && (!endpoint || d.endpoint === endpoint)).map((d) => d.event);
  }

  async waitFor(pred: () => boolean, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pred()) {
      if (Date.now() > deadline) throw new Error('timed out waiting for webhook deliveries');
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 50);
      });
    }
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }
}

export const PLATFORM_SECRET = 'whsec_platform_test_secret';
export const CONNECT_SECRET = 'whsec_connect_test_secret';

export interface Env {
  emu: StripeEmulator;
  stripe: Stripe;
  receiver: Receiver;
  close(): Promise<void>;
}

/** Emulator on a free port + receiver with a platform endpoint (`/platform`) and a Connect endpoint (`/connect`). */
export async function startEnv(opts: StripeEmulatorOptions = {}): Promise<Env> {
  const verifier = new Stripe('sk_test_verifier');
  const receiver = new Receiver(verifier, { platform: PLATFORM_SECRET, connect: CONNECT_SECRET, wrong: 'whsec_other' });
  await receiver.start();
  const emu = await startStripeEmulator({
    port: 0,
    delays: { payoutMs: 200, processingMs: 100, availableMs: 0 },
    ...opts,
    webhookEndpoints: [
      { url: receiver.endpoint('platform'), secret: PLATFORM_SECRET, connect: false },
      { url: receiver.endpoint('connect'), secret: CONNECT_SECRET, connect: true },
      ...(opts.webhookEndpoints ?? []),
    ],
  });
  const stripe = new Stripe(emu.secretKey, { ...emu.sdkOptions(), maxNetworkRetries: 0 });
  return {
    emu,
    stripe,
    receiver,
    close: async () => {
      await emu.close();
      await receiver.close();
    },
  };
}

export async function control(emu: StripeEmulator, path: string, body: Record<string, string> = {}): Promise<unknown> {
  const res = await fetch(`${emu.url}/_emulator/${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(body).toString(),
  });
  const json = (await res.json()) as unknown;
  if (!res.ok) throw new Error(`control ${path} failed: ${JSON.stringify(json)}`);
  return json;
}

export async function expectStripeError(p: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof Stripe.errors.StripeError) return e;
    throw e;
  }
  throw new Error('expected a Stripe error');
}
