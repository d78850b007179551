import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { apiClient, type Page } from '../../../lib/api-client';
import { disputeKeys } from './query-keys';
import type { Dispute } from './types';

export interface DisputeListParams {
  status?: string;
  limit?: number;
  cursor?: string;
}

export function getDisputes(params: DisputeListParams, signal?: AbortSignal): Promise<Page<Dispute>> {
  return apiClient.get<Page<Dispute>>('/disputes', { limit: params.limit ?? 20, status: params.status, cursor: params.cursor }, signal);
}

/** The parties' own disputes; admins see all (`status` filter). `refetchInterval` for the admin queue (admins get no events). */
export function useDisputes(params: DisputeListParams = {}, opts: { refetchInterval?: number } = {}) {
  return useQuery({
    queryKey: disputeKeys.list(params),
    queryFn: ({ signal }) => getDisputes(params, signal),
    placeholderData: keepPreviousData,
    refetchInterval: opts.refetchInterval,
  });
}
