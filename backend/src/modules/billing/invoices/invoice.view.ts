import type { InvoiceRecord, InvoiceStatus } from './invoice.repository';

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

/** The invoice as the contract shows it. */
export function toInvoiceView(i: InvoiceRecord) {
  return {
    id: i.id,
    collaborationId: i.collaborationId,
    paymentId: i.paymentId,
    kind: i.kind,
    ...(i.kind === 'retainer' ? { retainerId: i.retainerId, periodIndex: i.periodIndex } : {}),
    status: i.status,
    amount: i.amount,
    currency: i.currency,
    number: i.number,
    hostedInvoiceUrl: i.hostedInvoiceUrl,
    invoicePdf: i.invoicePdf,
    dueDate: iso(i.dueDate),
    attemptCount: i.attemptCount,
    ...(i.lastError ? { lastError: i.lastError } : {}),
    stripeInvoiceId: i.stripeInvoiceId,
    createdAt: iso(i.createdAt)!,
    updatedAt: iso(i.updatedAt)!,
    paidAt: iso(i.paidAt),
    voidedAt: iso(i.voidedAt),
  };
}

export type InvoiceView = ReturnType<typeof toInvoiceView>;

/** Invoice statuses only move forward (Stripe: draft → open → paid | void | uncollectible; uncollectible → paid | void). */
const RANK: Record<InvoiceStatus, number> = { draft: 0, open: 1, uncollectible: 2, paid: 3, void: 3 };
export function invoiceStatusAdvances(from: InvoiceStatus, to: InvoiceStatus): boolean {
  return RANK[to] > RANK[from];
}
