import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiClient } from '../../../lib/api-client';
import type { Collaboration } from '../../../types/api';
import { collaborationKeys } from './query-keys';

export function getCollaboration(id: string, signal?: AbortSignal): Promise<Collaboration> {
  return apiClient.get<Collaboration>(`/collaborations/${encodeURIComponent(id)}`, undefined, signal);
}

/** The detail query, shared by the hook and the checkout route's prefetch (app/route-prefetch.ts). */
export const collaborationQuery = (id: string) =>
  queryOptions({ queryKey: collaborationKeys.detail(id), queryFn: ({ signal }) => getCollaboration(id, signal) });

export function useCollaboration(id: string | undefined) {
  return useQuery({ ...collaborationQuery(id ?? ''), enabled: !!id });
}
