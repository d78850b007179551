/**
 * The life of a payout, as a pure function. CollabPay's view of a payout moves only through `transition`;
 * events that arrive late or twice (Stripe does not promise order) are ignored rather than applied.
 *
 *   PENDING ──stripe payout created──▶ IN_TRANSIT ──paid──▶ COMPLETED
 *      │                                   │                    │
 *      └──────────── failed / canceled / refused ───────────────┴──(failed after paid: the bank returned it)──▶ FAILED
 *
 * Money (ledger entries, all keyed by payout id so that each is posted at most once):
 * - request:   wallet available → payouts:in_transit            ("payout_requested")
 * - paid:      payouts:in_transit → out of the platform balance   ("payout_paid")
 * - failed:    payouts:in_transit → wallet available              ("payout_failed")
 * - returned:  platform balance → wallet available                ("payout_returned", a failure after COMPLETED)
 */
export const PAYOUT_STATUSES = ['PENDING', 'IN_TRANSIT', 'COMPLETED', 'FAILED', 'CANCELED'] as const;
export type PayoutStatus = (typeof PAYOUT_STATUSES)[number];

export type PayoutEvent = { type: 'STRIPE_PAYOUT_CREATED' } | { type: 'PAID' } | { type: 'FAILED'; code: string; message: string };

export type LedgerEffect = 'none' | 'paid' | 'failed' | 'returned';

export type Decision = { kind: 'apply'; next: PayoutStatus; ledger: LedgerEffect } | { kind: 'ignore'; reason: string };

export function transition(status: PayoutStatus, event: PayoutEvent): Decision {
  switch (event.type) {
    case 'STRIPE_PAYOUT_CREATED':
      return status === 'PENDING' ? { kind: 'apply', next: 'IN_TRANSIT', ledger: 'none' } : { kind: 'ignore', reason: `payout is already ${status}` };
    case 'PAID':
      if (status === 'PENDING' || status === 'IN_TRANSIT') return { kind: 'apply', next: 'COMPLETED', ledger: 'paid' };
      return { kind: 'ignore', reason: `payout is ${status}` };
    case 'FAILED':
      if (status === 'PENDING' || status === 'IN_TRANSIT') return { kind: 'apply', next: 'FAILED', ledger: 'failed' };
      if (status === 'COMPLETED') return { kind: 'apply', next: 'FAILED', ledger: 'returned' };
      return { kind: 'ignore', reason: `payout is ${status}` };
  }
}

/** Stripe's payout status → our event (null: nothing to apply yet). */
export function eventForStripePayout(po: { status: string; failure_code?: string | null; failure_message?: string | null }): PayoutEvent | null {
  switch (po.status) {
    case 'pending':
    case 'in_transit':
      return { type: 'STRIPE_PAYOUT_CREATED' };
    case 'paid':
      return { type: 'PAID' };
    case 'failed':
      return { type: 'FAILED', code: po.failure_code ?? 'payout_failed', message: po.failure_message ?? 'The payout failed' };
    case 'canceled':
      return { type: 'FAILED', code: po.failure_code ?? 'canceled', message: po.failure_message ?? 'The payout was canceled' };
    default:
      return null;
  }
}

export const isOpen = (s: PayoutStatus) => s === 'PENDING' || s === 'IN_TRANSIT';
