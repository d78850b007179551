import type Stripe from 'stripe';
import type { FaultSpec } from '@collabpay/stripe-emulator';
import { STRIPE } from '../../src/modules/stripe/stripe.module';
import { TestContext, TestUser } from '../support/test-app';

/** One request the server's own Stripe client sent (from the SDK's `request` event), retries included. */
export interface SentRequest {
  method: string;
  path: string;
  idempotencyKey: string | undefined;
  account: string | undefined;
}

/** Records every request of the server's Stripe client, to see which idempotency keys went over the wire. */
export class StripeWire {
  readonly sent: SentRequest[] = [];
  private readonly listener = (e: Stripe.RequestEvent) =>
    this.sent.push({ method: e.method, path: e.path.split('?')[0], idempotencyKey: e.idempotency_key, account: e.account });

  constructor(private readonly stripe: Stripe) {
    stripe.on('request', this.listener);
  }

  static of(ctx: TestContext): StripeWire {
    return new StripeWire(ctx.app.get<Stripe>(STRIPE));
  }

  posts(path: RegExp): SentRequest[] {
    return this.sent.filter((r) => r.method === 'POST' && path.test(r.path));
  }

  clear(): void {
    this.sent.length = 0;
  }

  detach(): void {
    this.stripe.off('request', this.listener);
  }
}

/** How many times the server's Stripe client sends one call before giving up (1 + maxNetworkRetries). */
export function sdkAttempts(ctx: TestContext): number {
  return 1 + ctx.app.get<Stripe>(STRIPE).getMaxNetworkRetries();
}

/**
 * Every attempt the SDK makes for the next matching call applies at Stripe and loses its answer, so the SDK call
 * fails with a connection error although Stripe did the work: only a retry with the same key of ours is then safe.
 */
export function loseEveryAttempt(ctx: TestContext, method: string, path: string): void {
  ctx.emulator.faults.add({ method, path, mode: 'lose_response', times: sdkAttempts(ctx) });
}

/** The first attempt applies and loses its answer; the SDK's own retry (same key) then gets the replay. */
export function loseFirstAnswer(ctx: TestContext, method: string, path: string): void {
  ctx.emulator.faults.add({ method, path, mode: 'lose_response', times: 1 });
}

export function fault(ctx: TestContext, spec: FaultSpec): void {
  ctx.emulator.faults.add(spec);
}

/** Every fault added was hit as often as it was meant to (a test must not pass because its fault never fired). */
export function expectFaultsSpent(ctx: TestContext): void {
  const left = ctx.emulator.faults.list().filter((f) => f.times > 0);
  if (left.length) throw new Error(`faults that never fired: ${JSON.stringify(left)}`);
}

/** The ledger invariants through the admin API. */
export async function expectLedgerCheckClean(ctx: TestContext, admin: TestUser): Promise<void> {
  const r = await ctx.http.get('/api/admin/ledger/check', { token: admin.token });
  if (r.status !== 200) throw new Error(`ledger check answered ${r.status}`);
  const failed = (r.body.checks as Array<{ ok: boolean }>).filter((c) => !c.ok);
  if (failed.length) throw new Error(`ledger invariants broken: ${JSON.stringify(failed, null, 2)}`);
}

/**
 * The keys the server sent for one call site: all of CollabPay's own (`collabpay-…`), never only the SDK's random
 * per-call key, and the retry used the same key as the first attempt.
 */
export function expectOwnKeys(wire: SentRequest[], prefix: string): void {
  if (!wire.length) throw new Error(`no request was sent for ${prefix}`);
  for (const r of wire) {
    if (!r.idempotencyKey?.startsWith(prefix)) throw new Error(`${r.method} ${r.path} was sent with key ${r.idempotencyKey}, expected ${prefix}…`);
  }
}

export const byMetadata =
  (key: string, value: string) =>
  (o: { metadata?: Stripe.Metadata | null }): boolean =>
    o.metadata?.[key] === value;
