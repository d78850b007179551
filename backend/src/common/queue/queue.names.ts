export const QUEUES = {
  webhooks: 'stripe-webhooks',
  maintenance: 'maintenance',
  payouts: 'payouts',
  workflow: 'workflow',
} as const;
