import { useQuery } from '@tanstack/react-query';
import { apiClient } from '../../../lib/api-client';
import type { Collaboration } from '../../../types/api';
import { collaborationKeys } from './query-keys';

export function getCollaboration(id: string, signal?: AbortSignal): Promise<Collaboration> {
  return apiClient.get<Collaboration>(`/collaborations/${encodeURIComponent(id)}`, undefined, signal);
}

export function useCollaboration(id: string | undefined) {
  return useQuery({
    queryKey: collaborationKeys.detail(id ?? ''),
    queryFn: ({ signal }) => getCollaboration(id!, signal),
    enabled: !!id,
  });
}
