import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_AVAILABLE_MS } from './balance';
import { Core } from './core';
import { startAutomaticPayouts } from './resources/payouts';
import { EndpointScope, EventBus } from './events';
import { Fault, FaultSpec } from './faults';
import { EmulatorServer } from './server';
import { State } from './state';
import { advanceSubscription, AdvanceResult, registerSubscriptionHooks } from './resources/subscriptions/renewal';

export { signPayload } from './events';
export { API_VERSION } from './core';
export type { AdvanceResult } from './resources/subscriptions/renewal';
export { addIntervals } from './resources/subscriptions/periods';
export type { Fault, FaultMode, FaultSpec } from './faults';

export interface StripeEmulatorOptions {
  /** 0 = a free port; default 12111 */
  port?: number;
  /** default 127.0.0.1 */
  host?: string;
  /** accepted Bearer key, default 'sk_test_emulator'; any key starting sk_test_ is accepted too */
  secretKey?: string;
  /** default 'pk_test_emulator' */
  publishableKey?: string;
  /**
   * Pre-registered endpoints: platform events go to `connect: false` ones, Connect events (with `account`)
   * to `connect: true` ones; `connect` undefined receives both.
   */
  webhookEndpoints?: Array<{ url: string; secret: string; connect?: boolean }>;
  /**
   * time-based behaviour on the emulated clock; defaults are Stripe's: card funds available after 2 days
   * (`availableMs`; `4000000000000077`/`pm_card_bypassPending` at once), payouts arrive after 1 day (`payoutMs`),
   * ACH processing → succeeded after 1000 ms (`processingMs`)
   */
  delays?: { payoutMs?: number; processingMs?: number; availableMs?: number };
  /**
   * payout schedule of connected accounts created without `settings[payouts][schedule][interval]`: Stripe's default
   * is `daily` (the emulator then pays their available balance out once per emulated day); `manual` is a test crutch
   */
  defaultPayoutInterval?: 'daily' | 'manual';
  chaos?: { duplicate?: boolean; reorder?: boolean };
  /** base URL the browser uses (default http://host:port) */
  publicUrl?: string;
  logger?: (msg: string) => void;
}

export interface StripeEmulator {
  url: string;
  port: number;
  publishableKey: string;
  secretKey: string;
  /** `${url}/js/v3/stripe.js` */
  stripeJsUrl: string;
  /** to pass to `new Stripe(key, {...})` */
  sdkOptions(): { host: string; port: number; protocol: 'http' };
  addWebhookEndpoint(e: { url: string; secret: string; connect?: boolean }): void;
  /**
   * move the emulated clock by `ms` and run what became due, each at its own time (same as
   * `POST /_emulator/clock/advance`); without `ms`, run every pending one-off timer now without moving the clock
   */
  advanceTime(ms?: number): Promise<void>;
  /** the emulated clock, unix seconds (`GET /_emulator/clock`) */
  now(): number;
  setChaos(c: { duplicate?: boolean; reorder?: boolean }): void;
  /** events are still recorded in /v1/events but not delivered; unpausing does not re-deliver them */
  setDeliveryPaused(paused: boolean): void;
  /**
   * Move a subscription to its next period (same as `POST /_emulator/subscriptions/:id/advance_period`): the renewal
   * invoice is created, finalized and charged with the default payment method, or, with `cancel_at_period_end`,
   * the subscription ends. Works on the platform or a connected account (found by id).
   */
  advanceSubscription(id: string): Promise<AdvanceResult>;
  /**
   * API fault injection (same as `POST/GET/DELETE /_emulator/faults`): make matching `/v1/*` requests fail before they
   * apply (`error_before`, `reset_before`), apply and lose the response (`lose_response`) or slow down (`delay`).
   */
  faults: { add(spec: FaultSpec): { id: string }; list(): Fault[]; clear(): void };
  /** resolve when every delivery queued so far has finished (delivered or given up) */
  flushWebhooks(): Promise<void>;
  close(): Promise<void>;
}

const DAY_MS = 24 * 3600_000;

function scopeOf(connect: boolean | undefined): EndpointScope {
  return connect === true ? 'connect' : connect === false ? 'platform' : 'both';
}

export async function startStripeEmulator(opts: StripeEmulatorOptions = {}): Promise<StripeEmulator> {
  const host = opts.host ?? '127.0.0.1';
  const secretKey = opts.secretKey ?? 'sk_test_emulator';
  const publishableKey = opts.publishableKey ?? 'pk_test_emulator';
  const logger = opts.logger ?? (() => {});
  const server = http.createServer();
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 12111, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  const url = `http://${urlHost}:${port}`;
  const publicUrl = (opts.publicUrl ?? url).replace(/\/$/, '');
  const core = new Core({
    platformAccountId: 'acct_1CollabPayPlatform',
    publicUrl,
    logger,
    delays: {
      payoutMs: opts.delays?.payoutMs ?? DAY_MS,
      processingMs: opts.delays?.processingMs ?? 1000,
      availableMs: opts.delays?.availableMs ?? DEFAULT_AVAILABLE_MS,
    },
  });
  const bus = new EventBus(core);
  bus.chaos = { duplicate: !!opts.chaos?.duplicate, reorder: !!opts.chaos?.reorder };
  const st = new State(core, bus);
  registerSubscriptionHooks(st);
  st.defaultPayoutInterval = opts.defaultPayoutInterval ?? 'daily';
  startAutomaticPayouts(st);
  for (const e of opts.webhookEndpoints ?? []) bus.addEndpoint({ url: e.url, secret: e.secret, scope: scopeOf(e.connect) });
  const app = new EmulatorServer(core, bus, st, { secretKey, publishableKey, logger });
  server.on('request', app.handler);
  logger(`Stripe emulator listening on ${url}`);

  let closed = false;
  return {
    url,
    port,
    publishableKey,
    secretKey,
    stripeJsUrl: `${publicUrl}/js/v3/stripe.js`,
    sdkOptions: () => ({ host: urlHost, port, protocol: 'http' as const }),
    addWebhookEndpoint: (e) => {
      bus.addEndpoint({ url: e.url, secret: e.secret, scope: scopeOf(e.connect) });
    },
    advanceTime: async (ms?: number) => {
      core.advance(ms);
    },
    now: () => core.now(),
    setChaos: (c) => {
      if (c.duplicate !== undefined) bus.chaos.duplicate = c.duplicate;
      if (c.reorder !== undefined) bus.chaos.reorder = c.reorder;
    },
    setDeliveryPaused: (paused) => {
      bus.paused = paused;
    },
    advanceSubscription: async (id: string) => {
      const account = st.subscriptions.accountOf(id);
      if (!account) throw new Error(`No such subscription: '${id}'`);
      return advanceSubscription(st, account, st.subscriptions.get(id, account));
    },
    faults: {
      add: (spec) => app.faults.add(spec),
      list: () => app.faults.list(),
      clear: () => app.faults.clear(),
    },
    flushWebhooks: () => bus.flush(),
    close: async () => {
      if (closed) return;
      closed = true;
      core.stopTimers();
      bus.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
