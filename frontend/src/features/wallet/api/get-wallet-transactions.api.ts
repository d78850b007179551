import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { apiClient, type Page } from '../../../lib/api-client';
import type { WalletTransaction } from '../../../types/api';
import { walletKeys } from './query-keys';

export interface TransactionParams {
  cursor?: string;
  limit?: number;
  currency?: string;
  type?: 'credit' | 'debit' | '';
}

export function getWalletTransactions(params: TransactionParams, signal?: AbortSignal): Promise<Page<WalletTransaction>> {
  return apiClient.get<Page<WalletTransaction>>(
    '/wallet/transactions',
    { limit: params.limit ?? 20, cursor: params.cursor, currency: params.currency, type: params.type },
    signal,
  );
}

export function useWalletTransactions(params: TransactionParams) {
  return useQuery({
    queryKey: walletKeys.transactions(params),
    queryFn: ({ signal }) => getWalletTransactions(params, signal),
    placeholderData: keepPreviousData,
  });
}
