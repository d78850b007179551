import { useQuery } from '@tanstack/react-query';
import { apiClient } from '../../../lib/api-client';
import type { WalletBalance } from '../../../types/api';
import { walletKeys } from './query-keys';

export function getWalletBalance(signal?: AbortSignal): Promise<{ balances: WalletBalance[] }> {
  return apiClient.get<{ balances: WalletBalance[] }>('/wallet/balance', undefined, signal);
}

export function useWalletBalance() {
  return useQuery({ queryKey: walletKeys.balance, queryFn: ({ signal }) => getWalletBalance(signal) });
}
