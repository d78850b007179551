import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';
import type { TestContext } from '../../support/test-app';
import { pool, rng, shuffle } from '../../support/concurrency';

export { pool, rng, shuffle };

const signer = new Stripe('sk_test_signer');

export function eventId(): string {
  return `evt_test_${randomBytes(12).toString('hex')}`;
}

/** A Stripe-shaped event (what the endpoint receives), serialised once so every redelivery is byte-identical. */
export function makeEvent(
  type: string,
  object: Record<string, unknown>,
  extra: { id?: string; account?: string; created?: number } = {},
): { id: string; payload: string } {
  const id = extra.id ?? eventId();
  const event = {
    id,
    object: 'event',
    api_version: '2026-10-28.endive',
    created: extra.created ?? Math.floor(Date.now() / 1000),
    data: { object },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
    ...(extra.account ? { account: extra.account } : {}),
  };
  return { id, payload: JSON.stringify(event) };
}

export function sign(payload: string, secret: string, timestamp?: number): string {
  return signer.webhooks.generateTestHeaderString({ payload, secret, timestamp });
}

/** POSTs a signed delivery the way Stripe does. */
export function deliver(
  ctx: Pick<TestContext, 'http' | 'config'>,
  ev: { payload: string },
  opts: { secret?: string; timestamp?: number; signature?: string | null } = {},
) {
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)' };
  const sig = opts.signature === undefined ? sign(ev.payload, opts.secret ?? ctx.config.stripe.webhookSecret, opts.timestamp) : opts.signature;
  if (sig !== null) headers['stripe-signature'] = sig;
  return ctx.http.request('POST', '/api/payments/webhook', undefined, { raw: ev.payload, headers });
}

export const FINAL_STATUSES = ['succeeded', 'failed', 'canceled', 'refunded'] as const;
const INTERMEDIATE = ['requires_payment_method', 'requires_confirmation', 'requires_action', 'processing'];

/**
 * `perPayment` versions of `payments` test payments, shuffled, with `dupRate` of them delivered twice or more.
 * Returns the deliveries and each payment's expected final status (the one at its highest version).
 */
export function paymentStream(opts: { payments: number; perPayment: number; dupRate: number; seed: number; sleepMs?: number; prefix?: string }) {
  const random = rng(opts.seed);
  const events: { id: string; payload: string; paymentId: string }[] = [];
  const expected = new Map<string, string>();
  for (let p = 0; p < opts.payments; p++) {
    const paymentId = `${opts.prefix ?? 'tp'}_${opts.seed}_${p}`;
    for (let v = 1; v <= opts.perPayment; v++) {
      const status = v === opts.perPayment ? FINAL_STATUSES[p % FINAL_STATUSES.length] : INTERMEDIATE[(v - 1) % INTERMEDIATE.length];
      if (v === opts.perPayment) expected.set(paymentId, status);
      const ev = makeEvent('test_payment.updated', {
        id: paymentId,
        object: 'test_payment',
        status,
        version: v,
        ...(opts.sleepMs ? { sleepMs: opts.sleepMs } : {}),
      });
      events.push({ ...ev, paymentId });
    }
  }
  const deliveries = [...events];
  const dups = Math.round(events.length * opts.dupRate);
  for (let i = 0; i < dups; i++) deliveries.push(events[Math.floor(random() * events.length)]);
  return { events, deliveries: shuffle(deliveries, random), expected };
}
