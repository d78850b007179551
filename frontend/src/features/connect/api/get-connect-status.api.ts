import { useQuery } from '@tanstack/react-query';
import { apiClient } from '../../../lib/api-client';
import type { ConnectStatus } from '../../../types/api';

export const connectStatusKey = ['connect', 'status'] as const;

export function getConnectStatus(signal?: AbortSignal): Promise<ConnectStatus> {
  return apiClient.get<ConnectStatus>('/connect/status', undefined, signal);
}

export function useConnectStatus(options: { pollWhilePending?: boolean } = {}) {
  return useQuery({
    queryKey: connectStatusKey,
    queryFn: ({ signal }) => getConnectStatus(signal),
    refetchInterval: (q) => (options.pollWhilePending && q.state.data?.status === 'PENDING' ? 3000 : false),
  });
}
