export const QUEUES = {
  webhooks: 'stripe-webhooks',
  maintenance: 'maintenance',
  payouts: 'payouts',
} as const;
