import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { apiClient, type Page } from '../../../lib/api-client';
import type { Collaboration } from '../../../types/api';
import { collaborationKeys } from './query-keys';

export interface CollaborationListParams {
  cursor?: string;
  limit?: number;
  status?: string;
}

export function getCollaborations(params: CollaborationListParams, signal?: AbortSignal): Promise<Page<Collaboration>> {
  return apiClient.get<Page<Collaboration>>('/collaborations', { limit: params.limit ?? 20, cursor: params.cursor, status: params.status }, signal);
}

/** The list query, shared by the hook and the dashboard route's prefetch (app/route-prefetch.ts). */
export const collaborationListQuery = (params: CollaborationListParams) =>
  queryOptions({ queryKey: collaborationKeys.list(params), queryFn: ({ signal }) => getCollaborations(params, signal) });

export function useCollaborations(params: CollaborationListParams = {}) {
  return useQuery({ ...collaborationListQuery(params), placeholderData: keepPreviousData });
}
