/**
 * Which released money a payout pays out, and from which Stripe charge (pure rules, no I/O).
 *
 * On Stripe, money released from a payment is transferred against that payment's charge (`source_transaction`):
 * such a transfer succeeds whatever the platform's available balance, is capped by what the charge has left, and
 * becomes payable on the connected account when the charge's funds are available. So a payout draws on the wallet's
 * credits first-in first-out, only on those whose charge's funds are available, and makes one Transfer per charge.
 */

/** The source of money that has no known charge (e.g. credited before charges were recorded): the available balance. */
export const BALANCE_SOURCE = 'balance';

export interface CreditSlice {
  id: string;
  currency: string;
  stripeChargeId: string | null;
  /** What is still in the wallet from this credit. */
  open: number;
  /** Whether Stripe lets it be paid out now. */
  payable: boolean;
}

export interface Slice {
  creditId: string;
  source: string;
  amount: number;
}

export interface PayoutPart {
  /** The charge id (`ch_…`) or BALANCE_SOURCE. */
  source: string;
  amount: number;
}

export const sourceOf = (c: { stripeChargeId: string | null }) => c.stripeChargeId ?? BALANCE_SOURCE;

/** Takes `amount` from the payable credits, oldest first; null when they do not cover it. */
export function allocateFifo(credits: CreditSlice[], amount: number): Slice[] | null {
  if (!Number.isSafeInteger(amount) || amount <= 0) throw new Error(`amount must be a positive safe integer, got ${amount}`);
  const out: Slice[] = [];
  let left = amount;
  for (const c of credits) {
    if (left === 0) break;
    if (!c.payable || c.open <= 0) continue;
    const take = Math.min(left, c.open);
    out.push({ creditId: c.id, source: sourceOf(c), amount: take });
    left -= take;
  }
  return left === 0 ? out : null;
}

/** One Transfer per source, in the order the sources were first drawn on. */
export function groupBySource(slices: Slice[]): PayoutPart[] {
  const parts = new Map<string, number>();
  for (const s of slices) parts.set(s.source, (parts.get(s.source) ?? 0) + s.amount);
  return [...parts].map(([source, amount]) => ({ source, amount }));
}

export interface Availability {
  /** The wallet's available balance (what payouts may still take). */
  total: number;
  /** What Stripe lets the influencer pay out now. */
  availableForPayout: number;
  /** When more becomes payable (the earliest pending charge's date), or null. */
  nextAvailableOn: Date | null;
}

/** The payable part of open credits and the next date on which more becomes payable. */
export function availability(credits: Array<CreditSlice & { availableOn: Date | null }>): Availability {
  let total = 0;
  let payable = 0;
  let next: Date | null = null;
  for (const c of credits) {
    total += c.open;
    if (c.payable) payable += c.open;
    else if (c.availableOn && (!next || c.availableOn < next)) next = c.availableOn;
  }
  return { total, availableForPayout: payable, nextAvailableOn: next };
}
