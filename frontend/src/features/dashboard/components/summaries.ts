import type { Collaboration, Payment } from '../../../types/api';

/** Money still held for a payment (server figure when present). */
export function heldOf(p: Pick<Payment, 'amount' | 'amountReleased' | 'amountRefunded' | 'amountHeld' | 'status'>): number {
  if (['PENDING', 'PROCESSING', 'FAILED', 'CANCELED'].includes(p.status)) return 0;
  if (typeof p.amountHeld === 'number') return p.amountHeld;
  return Math.max(0, p.amount - (p.amountReleased ?? 0) - (p.amountRefunded ?? 0));
}

export interface MoneyTotals {
  currency: string;
  held: number;
  released: number;
  refunded: number;
}

/** Totals in the currency most payments use (figures are never added across currencies). */
export function paymentTotals(payments: Payment[]): MoneyTotals | null {
  if (payments.length === 0) return null;
  const counts = new Map<string, number>();
  for (const p of payments) counts.set(p.currency, (counts.get(p.currency) ?? 0) + 1);
  const currency = [...counts.entries()].sort((a, b) => b[1] - a[1])[0][0];
  const t: MoneyTotals = { currency, held: 0, released: 0, refunded: 0 };
  for (const p of payments) {
    if (p.currency !== currency) continue;
    t.held += heldOf(p);
    t.released += p.amountReleased ?? 0;
    t.refunded += p.amountRefunded ?? 0;
  }
  return t;
}

/** Milestones waiting for the company's review (status SUBMITTED); null when the list carries no milestones yet. */
export function submittedMilestones(collaborations: Collaboration[]): number | null {
  let known = false;
  let n = 0;
  for (const c of collaborations) {
    if (!Array.isArray(c.milestones)) continue;
    known = true;
    n += c.milestones.filter((m) => m.status === 'SUBMITTED').length;
  }
  return known ? n : null;
}
