import { Client } from 'pg';
import { io, Socket } from 'socket.io-client';
import Stripe from 'stripe';
import { startStripeEmulator, StripeEmulator } from '@collabpay/stripe-emulator';
import { HttpClient } from '../../support/http';
import { sign } from '../../webhooks/support/events';
import { freePort } from '../../webhooks/support/processes';

/** The environment of a compiled server (or `npm start`) on private services. */
export function serverEnv(o: { port: number; databaseUrl: string; redisUrl: string; emulator: StripeEmulator; webhookSecret: string; label: string }) {
  return {
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'test',
    PORT: String(o.port),
    HOST: '127.0.0.1',
    DATABASE_URL: o.databaseUrl,
    REDIS_URL: o.redisUrl,
    QUEUE_PREFIX: `cpout:${o.label}`,
    STRIPE_SECRET_KEY: o.emulator.secretKey,
    STRIPE_PUBLISHABLE_KEY: o.emulator.publishableKey,
    STRIPE_WEBHOOK_SECRET: o.webhookSecret,
    STRIPE_CONNECT_WEBHOOK_SECRET: o.webhookSecret + '_connect',
    STRIPE_API_BASE: o.emulator.url,
    SEED_DEMO: 'false',
    SERVE_SPA: 'false',
    LOG_FORMAT: 'json',
    LOG_LEVEL: 'warn',
    AUTH_RATE_LIMIT: '100000',
    WEBHOOK_SWEEP_INTERVAL_MS: '2000',
    WEBHOOK_STALE_MS: '2000',
    WEBHOOK_RECONCILE_INTERVAL_MS: '0',
    WEBHOOK_BACKOFF_MS: '300',
    PAYOUT_RECONCILE_INTERVAL_MS: '0',
  };
}

export interface Actor {
  id: string;
  token: string;
}

/** Users, payments and Stripe calls against a server in another process. */
export class Driver {
  readonly http: HttpClient;
  readonly stripe: Stripe;
  constructor(
    baseUrl: string,
    readonly emulator: StripeEmulator,
    private readonly webhookSecret: string,
    private readonly databaseUrl: string,
  ) {
    this.http = new HttpClient(baseUrl);
    this.stripe = new Stripe(emulator.secretKey, { ...emulator.sdkOptions(), maxNetworkRetries: 0 });
  }

  async register(role: 'company' | 'influencer'): Promise<Actor> {
    const email = `${role}-${Math.random().toString(36).slice(2, 10)}@test.collabpay.dev`;
    const r = await this.http.post('/api/auth/register', { email, password: 'correct-horse-battery', name: `Outage ${role}`, role });
    if (r.status !== 201) throw new Error(`register ${r.status} ${r.text}`);
    return { id: r.body.user.id, token: r.body.accessToken };
  }

  async admin(): Promise<Actor> {
    const email = `admin-${Math.random().toString(36).slice(2, 10)}@test.collabpay.dev`;
    const r = await this.http.post('/api/auth/register', { email, password: 'correct-horse-battery', name: 'Outage admin', role: 'company' });
    await this.sql(`UPDATE users SET role = 'admin' WHERE id = $1`, [r.body.user.id]);
    const login = await this.http.post('/api/auth/login', { email, password: 'correct-horse-battery' });
    return { id: r.body.user.id, token: login.body.accessToken };
  }

  async sql<T = any>(text: string, params: unknown[] = []): Promise<T[]> {
    const c = new Client({ connectionString: this.databaseUrl });
    await c.connect();
    try {
      return (await c.query(text, params)).rows as T[];
    } finally {
      await c.end();
    }
  }

  /** Propose + accept + create-intent + confirm at Stripe: the payment's events are recorded at Stripe, not delivered. */
  async paidAtStripe(company: Actor, influencer: Actor, amount: number): Promise<{ paymentId: string; piId: string }> {
    const p = await this.http.post(
      '/api/collaborations',
      { influencerId: influencer.id, title: `Paid ${amount}`, amount, currency: 'usd' },
      { token: company.token },
    );
    if (p.status !== 201) throw new Error(`propose ${p.status} ${p.text}`);
    const a = await this.http.post(`/api/collaborations/${p.body.id}/accept`, {}, { token: influencer.token });
    if (a.status !== 200) throw new Error(`accept ${a.status} ${a.text}`);
    const i = await this.http.post('/api/payments/create-intent', { collaborationId: p.body.id }, { token: company.token });
    if (i.status !== 201) throw new Error(`create-intent ${i.status} ${i.text}`);
    const piId = i.body.payment.stripePaymentIntentId as string;
    await this.stripe.paymentIntents.confirm(piId, { payment_method: 'pm_card_visa', return_url: 'http://localhost/return' });
    return { paymentId: a.body.paymentInfo.paymentId, piId };
  }

  /** Every event Stripe recorded about these PaymentIntents. */
  async eventsOf(piIds: string[]): Promise<Stripe.Event[]> {
    const all = await this.stripe.events.list({ limit: 100 }).autoPagingToArray({ limit: 10_000 });
    return all.filter(
      (e) =>
        piIds.includes((e.data.object as { id?: string; payment_intent?: string }).id ?? '') ||
        piIds.includes((e.data.object as { payment_intent?: string }).payment_intent ?? ''),
    );
  }

  deliver(ev: Stripe.Event) {
    const payload = JSON.stringify(ev);
    return this.http
      .request('POST', '/api/payments/webhook', undefined, {
        raw: payload,
        headers: { 'content-type': 'application/json', 'stripe-signature': sign(payload, this.webhookSecret) },
      })
      .catch(() => ({ status: 0, body: undefined, text: 'no answer' }));
  }

  async ledgerIsClean(admin: Actor): Promise<boolean> {
    const r = await this.http.get('/api/admin/ledger/check', { token: admin.token });
    if (r.status !== 200) throw new Error(`ledger check ${r.status} ${r.text}`);
    const failed = (r.body.checks as Array<{ ok: boolean }>).filter((c) => !c.ok);
    if (failed.length) throw new Error(`ledger broken: ${JSON.stringify(failed)}`);
    return true;
  }

  /** A dashboard socket that records every event's seq. */
  async socket(actor: Actor): Promise<{ socket: Socket; seqs: Set<number>; sync(since: number): Promise<number> }> {
    const socket = io(`${this.http.baseUrl}/payments`, { auth: { token: actor.token }, transports: ['websocket'], forceNew: true, reconnectionDelay: 200 });
    const seqs = new Set<number>();
    socket.onAny((_event: string, payload: { seq?: number }) => {
      if (typeof payload?.seq === 'number') seqs.add(payload.seq);
    });
    await new Promise<void>((res, rej) => {
      socket.once('connect', () => res());
      socket.once('connect_error', rej);
    });
    return { socket, seqs, sync: (since: number) => socket.timeout(10_000).emitWithAck('sync', { since }) as Promise<number> };
  }
}

export async function startEmulator(): Promise<{ emulator: StripeEmulator; webhookSecret: string; port: number }> {
  const emulator = await startStripeEmulator({ port: 0 });
  return { emulator, webhookSecret: 'whsec_test_outage_' + Math.random().toString(36).slice(2), port: await freePort() };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
