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

export const MAX_ATTEMPTS = 6;
export const FIRST_RETRY_MS = 200;

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

  private async deliverWithRetries(d: Delivery): Promise<void> {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const ep = this.endpoints.find(d.endpointId);
      const secret = this.secrets.get(d.endpointId);
      if (!ep || !secret || this.core.closed) return;
      const result = await this.post(ep.url, d.payload, secret);
      if (result.ok) {
        const ev = this.events.find(d.eventId);
        if (ev && ev.pending_webhooks > 0) ev.pending_webhooks -= 1;
        return;
      }
      this.core.opts.logger(`webhook ${d.eventId} → ${ep.url} attempt ${attempt} failed: ${result.error}${attempt < MAX_ATTEMPTS ? '' : ' (giving up)'}`);
      if (attempt < MAX_ATTEMPTS) await new Promise((r) => setTimeout(r, FIRST_RETRY_MS * 2 ** (attempt - 1)));
    }
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
            // signed at the wall-clock time of sending, as Stripe does (test clocks move objects, not signatures):
            // receivers refuse timestamps outside their tolerance window in either direction
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

  /** Resolve once every delivery queued so far has finished (delivered or given up). */
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
