import { useQuery } from '@tanstack/react-query';
import { apiClient } from '../../../lib/api-client';
import { disputeKeys } from './query-keys';
import type { Dispute } from './types';

export function getDispute(id: string, signal?: AbortSignal): Promise<Dispute> {
  return apiClient.get<Dispute>(`/disputes/${encodeURIComponent(id)}`, undefined, signal);
}

export function useDispute(id: string | undefined, opts: { refetchInterval?: number } = {}) {
  return useQuery({
    queryKey: disputeKeys.detail(id ?? ''),
    queryFn: ({ signal }) => getDispute(id!, signal),
    enabled: !!id,
    refetchInterval: opts.refetchInterval,
  });
}
