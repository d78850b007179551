import { createHmac } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type Stripe from 'stripe';
import { API_VERSION, Collection, Core, RequestContext, snapshot } from './core';

export type EventOf<T extends Stripe.Event.Type> = Extract<Stripe.Event, { type: T }>;
export type EventObject<T extends Stripe.Event.Type> = EventOf<T>['data']['object'];

/** 'platform' endpoints get events without `account`, 'connect' ones get Connect events, 'both' get all. */
export type EndpointScope = 'platform' | 'connect' | 'both';

interface Delivery {
  eventId: string;
  endpointId: string;
  payload: string;
}

const HOUR = 3600_000;
/**
 * Stripe in test mode retries a failed delivery three times over a few hours (live mode: up to 3 days with
 * exponential back-off). The emulator retries on the emulated clock 1 h, 2 h and 4 h after each failed attempt.
 */
export const RETRY_DELAYS_MS = [HOUR, 2 * HOUR, 4 * HOUR];
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;
/** an endpoint that has failed every delivery for this long (emulated clock) is disabled, as Stripe does after emailing */
export const DISABLE_AFTER_MS = 3 * 24 * HOUR;

/** Stripe's signature header: `t=<unix>,v1=<hex HMAC-SHA256(secret, "t.payload")>`. */
export function signPayload(payload: string, secret: string, timestamp: number): string {
  const v1 = createHmac('sha256', secret).update(`${timestamp}.${payload}`, 'utf8').digest('hex');
  return `t=${timestamp},v1=${v1}`;
}

export class EventBus {
  readonly events: Collection<Stripe.Event>;
  readonly endpoints: Collection<Stripe.WebhookEndpoint>;
  private readonly secrets = new Map<string, string>();
  private readonly scopes = new Map<string, EndpointScope>();
  /** endpoint id → emulated time of the first failed attempt since its last success */
  private readonly failingSince = new Map<string, number>();
  private batch: Delivery[] = [];
  private drainTimer: NodeJS.Timeout | null = null;
  private readonly inflight = new Set<Promise<void>>();
  private readonly agentHttp = new http.Agent({ keepAlive: false });
  chaos = { duplicate: false, reorder: false };
  paused = false;

  constructor(private readonly core: Core) {
    this.events = core.collection<Stripe.Event>('event');
    this.endpoints = core.collection<Stripe.WebhookEndpoint>('webhook_endpoint');
  }

  addEndpoint(input: {
    url: string;
    secret?: string;
    scope: EndpointScope;
    enabledEvents?: string[];
    description?: string | null;
    metadata?: Stripe.Metadata;
    apiVersion?: string | null;
  }): Stripe.WebhookEndpoint {
    const secret = input.secret ?? `whsec_${this.core.secret(32)}`;
    const ep: Stripe.WebhookEndpoint = {
      id: this.core.id('we'),
      object: 'webhook_endpoint',
      api_version: input.apiVersion ?? null,
      application: null,
      created: this.core.now(),
      description: input.description ?? null,
      enabled_events: input.enabledEvents ?? ['*'],
      livemode: false,
      metadata: input.metadata ?? {},
      secret,
      status: 'enabled',
      url: input.url,
    };
    this.endpoints.add(ep, this.core.platform);
    this.secrets.set(ep.id, secret);
    this.scopes.set(ep.id, input.scope);
    return ep;
  }

  scopeOf(id: string): EndpointScope | undefined {
    return this.scopes.get(id);
  }
  removeEndpoint(id: string): void {
    this.endpoints.delete(id);
    this.secrets.delete(id);
    this.scopes.delete(id);
    this.failingSince.delete(id);
  }

  private matching(ev: Stripe.Event): Stripe.WebhookEndpoint[] {
    return this.endpoints.list(this.core.platform).filter((ep) => {
      if (ep.status !== 'enabled') return false;
      const scope = this.scopes.get(ep.id) ?? 'platform';
      if (ev.account ? scope === 'platform' : scope === 'connect') return false;
      return ep.enabled_events.some((t) => t === '*' || t === ev.type || (t.endsWith('.*') && ev.type.startsWith(t.slice(0, -1))));
    });
  }

  /** Record the event Stripe would create for a state change and queue its delivery. */
  emit<T extends Stripe.Event.Type>(
    type: T,
    object: EventObject<T>,
    opts: { account: string; ctx?: RequestContext | null; previous?: Record<string, unknown> },
  ): Stripe.Event {
    const data: { object: unknown; previous_attributes?: Record<string, unknown> } = { object: snapshot(object) };
    if (opts.previous && Object.keys(opts.previous).length) data.previous_attributes = snapshot(opts.previous);
    const ev = {
      id: this.core.id('evt'),
      object: 'event',
      api_version: API_VERSION,
      created: this.core.now(),
      data,
      livemode: false,
      pending_webhooks: 0,
      request: { id: opts.ctx?.requestId ?? null, idempotency_key: opts.ctx?.idempotencyKey ?? null },
      type,
    } as unknown as EventOf<T>;
    if (opts.account !== this.core.platform) ev.account = opts.account;
    const targets = this.matching(ev);
    ev.pending_webhooks = targets.length;
    this.events.add(ev, opts.account);
    this.core.opts.logger(`event ${ev.id} ${type}${ev.account ? ` (${ev.account})` : ''} → ${targets.length} endpoint(s)`);
    if (!this.paused) {
      const payload = JSON.stringify(ev, null, 2);
      for (const ep of targets) {
        const d: Delivery = { eventId: ev.id, endpointId: ep.id, payload };
        this.batch.push(d);
        if (this.chaos.duplicate) this.batch.push({ ...d });
      }
      this.scheduleDrain();
    }
    return ev;
  }

  private scheduleDrain(): void {
    if (this.drainTimer || this.batch.length === 0) return;
    // with reordering on, gather a small window of deliveries and shuffle them
    this.drainTimer = setTimeout(() => this.drain(), this.chaos.reorder ? 150 : 0);
  }

  private drain(): void {
    if (this.drainTimer) clearTimeout(this.drainTimer);
    this.drainTimer = null;
    const batch = this.batch;
    this.batch = [];
    if (this.chaos.reorder) {
      for (let i = batch.length - 1; i > 0; i--) {
        const j = Math.floor(Math.random() * (i + 1));
        [batch[i], batch[j]] = [batch[j], batch[i]];
      }
      if (batch.length > 1 && batch.every((d, i) => i === 0 || d.eventId >= batch[i - 1].eventId)) batch.reverse();
    }
    for (const d of batch) {
      const p = this.deliverWithRetries(d).finally(() => this.inflight.delete(p));
      this.inflight.add(p);
    }
  }

  /** One delivery attempt; a failure schedules the next attempt on the emulated clock (Stripe's test-mode schedule). */
  private async deliverWithRetries(d: Delivery, attempt = 1): Promise<void> {
    const ep = this.endpoints.find(d.endpointId);
    const secret = this.secrets.get(d.endpointId);
    if (!ep || !secret || this.core.closed || ep.status !== 'enabled') return;
    const result = await this.post(ep.url, d.payload, secret);
    if (result.ok) {
      this.failingSince.delete(ep.id);
      const ev = this.events.find(d.eventId);
      if (ev && ev.pending_webhooks > 0) ev.pending_webhooks -= 1;
      return;
    }
    const last = attempt >= MAX_ATTEMPTS;
    this.core.opts.logger(`webhook ${d.eventId} → ${ep.url} attempt ${attempt} failed: ${result.error}${last ? ' (giving up)' : ''}`);
    this.noteFailure(ep);
    if (last || this.core.closed) return;
    this.core.clock.schedule(RETRY_DELAYS_MS[attempt - 1], () => {
      const p = this.deliverWithRetries(d, attempt + 1).finally(() => this.inflight.delete(p));
      this.inflight.add(p);
    });
  }

  /** Stripe emails the account owner and disables an endpoint that keeps failing for days; emulated on the clock. */
  private noteFailure(ep: Stripe.WebhookEndpoint): void {
    if (this.failingSince.has(ep.id)) return;
    const since = this.core.nowMs();
    this.failingSince.set(ep.id, since);
    this.core.clock.at(
      since + DISABLE_AFTER_MS,
      () => {
        if (this.failingSince.get(ep.id) !== since || !this.endpoints.find(ep.id) || ep.status !== 'enabled') return;
        ep.status = 'disabled';
        this.core.opts.logger(
          `webhook endpoint ${ep.id} (${ep.url}) disabled: every delivery failed for ${DISABLE_AFTER_MS / HOUR} h (Stripe emails you first)`,
        );
      },
      { background: true },
    );
  }

  /** `POST /v1/webhook_endpoints/:id` with `disabled=false` re-enables an endpoint: its failure streak starts over. */
  resetFailures(id: string): void {
    this.failingSince.delete(id);
  }

  private post(url: string, payload: string, secret: string): Promise<{ ok: boolean; error?: string }> {
    return new Promise((resolve) => {
      let u: URL;
      try {
        u = new URL(url);
      } catch {
        resolve({ ok: false, error: 'invalid url' });
        return;
      }
      const lib = u.protocol === 'https:' ? https : http;
      const req = lib.request(
        u,
        {
          method: 'POST',
          agent: u.protocol === 'https:' ? undefined : this.agentHttp,
          headers: {
            'Content-Type': 'application/json; charset=utf-8',
            'Content-Length': Buffer.byteLength(payload),
            'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
            // the signature carries real time: receivers check it against their own clock (5 min tolerance)
            'Stripe-Signature': signPayload(payload, secret, Math.floor(Date.now() / 1000)),
            'Cache-Control': 'no-cache',
          },
          timeout: 10000,
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            const code = res.statusCode ?? 0;
            resolve(code >= 200 && code < 300 ? { ok: true } : { ok: false, error: `HTTP ${code}` });
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (e) => resolve({ ok: false, error: e.message }));
      req.end(payload);
    });
  }

  /** Resolve once every delivery attempt started so far has finished (retries wait for the emulated clock). */
  async flush(): Promise<void> {
    for (let guard = 0; guard < 1000; guard++) {
      if (this.batch.length) this.drain();
      if (this.inflight.size === 0) return;
      await Promise.all([...this.inflight]);
    }
  }

  close(): void {
    if (this.drainTimer) clearTimeout(this.drainTimer);
    this.batch = [];
    this.agentHttp.destroy();
  }
}
