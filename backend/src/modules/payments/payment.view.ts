import type { PaymentRecord } from './payment.repository';

/** The payment as the contract shows it (no client secret, no internal fields). */
export function toPaymentView(p: PaymentRecord) {
  return {
    id: p.id,
    collaborationId: p.collaborationId,
    companyId: p.companyId,
    influencerId: p.influencerId,
    amount: p.amount,
    currency: p.currency,
    platformFee: p.platformFee,
    influencerAmount: p.influencerAmount,
    amountReleased: p.amountReleased,
    amountRefunded: p.amountRefunded,
    amountClawedBack: p.amountClawedBack,
    amountHeld: p.heldAt ? p.amount - p.amountReleased - p.amountRefunded : 0,
    status: p.status,
    ...(p.failureMessage ? { failureMessage: p.failureMessage } : {}),
    method: p.method,
    stripePaymentIntentId: p.stripePaymentIntentId,
    createdAt: new Date(p.createdAt).toISOString(),
    updatedAt: new Date(p.updatedAt).toISOString(),
    ...(p.heldAt ? { heldAt: new Date(p.heldAt).toISOString() } : {}),
    ...(p.releasedAt ? { releasedAt: new Date(p.releasedAt).toISOString() } : {}),
  };
}

export type PaymentView = ReturnType<typeof toPaymentView>;
