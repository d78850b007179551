/**
 * Invoices, retainer months and the cards they are charged to are views of payments, so their keys live under
 * `['payments']`: whatever refreshes payments (the live `payment:update` event in usePaymentUpdates, a card
 * payment, an accepted proposal) refreshes the billing screens too, e.g. an invoice paid on the hosted page or a
 * retainer month renewed (or failed) at Stripe shows up on an open /billing without a reload.
 */
export const billingKeys = {
  all: ['payments', 'billing'] as const,
  invoices: (params: { cursor?: string; collaborationId?: string }) => ['payments', 'billing', 'invoices', params] as const,
  cards: ['payments', 'billing', 'cards'] as const,
  customer: ['payments', 'billing', 'customer'] as const,
  retainers: ['payments', 'billing', 'retainers'] as const,
};
