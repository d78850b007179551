import { Injectable, Logger } from '@nestjs/common';
import Stripe from 'stripe';
import type { PaymentRecord } from '../payment.repository';

/** What one reconciliation run did: booked (Stripe made the refund), released (it did not), failed (try again). */
export interface ReconcileResult {
  booked: number;
  released: number;
  failed: number;
}

/** A refund Stripe made and that stands (pending or succeeded): the money moved, or will. */
export const refundStands = (r: Stripe.Refund | null): r is Stripe.Refund => !!r && r.status !== 'failed' && r.status !== 'canceled';

/**
 * The refunds Stripe made on the payment's charge (or intent), newest first, the first that `match` accepts.
 * The only read reconciliation needs: a reservation's refund carries its id in the metadata.
 */
export async function findRefundAtStripe(
  stripe: Stripe,
  p: Pick<PaymentRecord, 'stripeChargeId' | 'stripePaymentIntentId'>,
  match: (r: Stripe.Refund) => boolean | Promise<boolean>,
): Promise<Stripe.Refund | null> {
  const filter = p.stripeChargeId ? { charge: p.stripeChargeId } : { payment_intent: p.stripePaymentIntentId! };
  for await (const re of stripe.refunds.list({ ...filter, limit: 100 })) if (await match(re)) return re;
  return null;
}

/**
 * Resolves each stale reservation with `resolve` (which answers whether it booked or released it); one that throws
 * (Stripe unreachable, …) is left for the next run.
 */
export async function reconcileEach<T extends { id: string }>(
  logger: Logger,
  what: string,
  items: T[],
  resolve: (item: T) => Promise<'booked' | 'released' | 'skipped'>,
): Promise<ReconcileResult> {
  const out: ReconcileResult = { booked: 0, released: 0, failed: 0 };
  for (const item of items) {
    try {
      const r = await resolve(item);
      if (r !== 'skipped') out[r]++;
    } catch (e) {
      out.failed++;
      logger.warn(`${what} ${item.id} not reconciled (will retry): ${(e as Error).message}`);
    }
  }
  return out;
}

/** A module's reconciliation of the refunds it reserves with its own columns (disputes, clawbacks). */
export interface RefundReservationReconciler {
  name: string;
  reconcile(olderThanMs: number): Promise<ReconcileResult>;
}

/**
 * The reconcilers the `refunds-reconcile` job runs after the `refunds` table's own: modules that reserve refunds
 * elsewhere register theirs in `onModuleInit` (so the payments module needs not know them).
 */
@Injectable()
export class RefundReservationReconcilers {
  private readonly list: RefundReservationReconciler[] = [];

  register(r: RefundReservationReconciler): void {
    if (this.list.some((x) => x.name === r.name)) throw new Error(`refund reconciler ${r.name} registered twice`);
    this.list.push(r);
  }

  all(): RefundReservationReconciler[] {
    return [...this.list];
  }
}
