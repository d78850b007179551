export const billingKeys = {
  all: ['billing'] as const,
  invoices: (params: { cursor?: string; collaborationId?: string }) => ['billing', 'invoices', params] as const,
  cards: ['billing', 'cards'] as const,
  customer: ['billing', 'customer'] as const,
  retainers: ['billing', 'retainers'] as const,
};
