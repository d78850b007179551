export const walletKeys = {
  all: ['wallet'] as const,
  balance: ['wallet', 'balance'] as const,
  transactions: (params: { cursor?: string; limit?: number; currency?: string; type?: string }) => ['wallet', 'transactions', params] as const,
  payouts: (params: { cursor?: string; limit?: number }) => ['wallet', 'payouts', params] as const,
};
