import type Stripe from 'stripe';
import type { RetainerStatus } from './retainer.repository';

/**
 * Reading Stripe's subscription objects (API 2026-10-28 shapes): an invoice names its subscription and carries a
 * snapshot of the subscription's metadata in `parent.subscription_details`; the service period of a renewal is
 * on its lines (`invoice.period_start/end` is the period that just ended); the current period is on the items.
 */

/** The retainer metadata CollabPay put on the subscription, when the invoice belongs to a retainer's subscription. */
export function retainerMetadata(inv: Pick<Stripe.Invoice, 'parent'>): Record<string, string> | null {
  const md = inv.parent?.subscription_details?.metadata;
  return md?.kind === 'retainer' ? md : null;
}

export function subscriptionIdOf(inv: Pick<Stripe.Invoice, 'parent'>): string | null {
  const s = inv.parent?.subscription_details?.subscription;
  if (!s) return null;
  return typeof s === 'string' ? s : s.id;
}

/**
 * Which month of the retainer an invoice bills: the first invoice (`subscription_create`) is period 0; a renewal
 * (`subscription_cycle`) is the number of whole months between the subscription's billing anchor and the start of
 * the service period on its line (months keep the anchor's day, clamped: Jan 31 → Feb 28 → Mar 31 are 0, 1, 2).
 * null: not an invoice of a period (e.g. a proration), or no line to read.
 */
export function periodIndexOf(inv: Pick<Stripe.Invoice, 'billing_reason' | 'lines'>, billingCycleAnchor: number): number | null {
  if (inv.billing_reason === 'subscription_create') return 0;
  if (inv.billing_reason !== 'subscription_cycle') return null;
  const lines = inv.lines?.data ?? [];
  const line = lines.find((l) => l.parent?.type === 'subscription_item_details') ?? lines[0];
  if (!line?.period) return null;
  const anchor = new Date(billingCycleAnchor * 1000);
  const start = new Date(line.period.start * 1000);
  const months = (start.getUTCFullYear() - anchor.getUTCFullYear()) * 12 + (start.getUTCMonth() - anchor.getUTCMonth());
  return months >= 1 ? months : null;
}

/** The retainer status a subscription status stands for. */
export function retainerStatusOf(sub: Pick<Stripe.Subscription, 'status'>): RetainerStatus {
  switch (sub.status) {
    case 'active':
    case 'trialing':
      return 'active';
    case 'past_due':
    case 'unpaid':
      return 'past_due';
    case 'canceled':
    case 'incomplete_expired':
      return 'canceled';
    default:
      return 'incomplete';
  }
}

export function idOf(x: string | { id: string } | null | undefined): string | null {
  if (!x) return null;
  return typeof x === 'string' ? x : x.id;
}

/** Why the last attempt on the invoice failed (from its PaymentIntent). */
export async function invoiceFailure(stripe: Stripe, inv: Stripe.Invoice): Promise<string> {
  const pay = inv.payments?.data?.[inv.payments.data.length - 1]?.payment?.payment_intent;
  const piId = idOf(pay);
  if (!piId) return 'the payment failed';
  const pi = await stripe.paymentIntents.retrieve(piId);
  return pi.last_payment_error?.message ?? 'the payment failed';
}
