import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { apiClient, type Page } from '../../../lib/api-client';
import type { Payout } from '../../../types/api';
import { walletKeys } from './query-keys';

export function getPayouts(params: { cursor?: string; limit?: number }, signal?: AbortSignal): Promise<Page<Payout>> {
  return apiClient.get<Page<Payout>>('/wallet/payouts', { limit: params.limit ?? 20, cursor: params.cursor }, signal);
}

export function usePayouts(params: { cursor?: string; limit?: number }) {
  return useQuery({
    queryKey: walletKeys.payouts(params),
    queryFn: ({ signal }) => getPayouts(params, signal),
    placeholderData: keepPreviousData,
    // Payouts in flight move on their own; poll gently as a fallback to the socket.
    refetchInterval: (q) => (q.state.data?.data.some((p) => p.status === 'PENDING' || p.status === 'IN_TRANSIT') ? 5000 : false),
  });
}
