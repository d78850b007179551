import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { apiClient } from '../../../lib/api-client';
import { collaborationKeys } from './query-keys';

export interface InfluencerSummary {
  id: string;
  name: string;
  handle: string | null;
}

/** The server answers names or handles starting with `q` (2..50 characters). */
export const MIN_SEARCH_LENGTH = 2;

export function searchInfluencers(q: string, signal?: AbortSignal): Promise<{ data: InfluencerSummary[] }> {
  return apiClient.get<{ data: InfluencerSummary[] }>('/influencers', { q }, signal);
}

/** Search-as-you-type: pass the debounced text; nothing is asked below MIN_SEARCH_LENGTH characters. */
export function useInfluencerSearch(q: string) {
  const term = q.trim().replace(/^@/, '');
  return useQuery({
    queryKey: collaborationKeys.influencerSearch(term.toLowerCase()),
    queryFn: ({ signal }) => searchInfluencers(term, signal),
    enabled: term.length >= MIN_SEARCH_LENGTH && term.length <= 50,
    staleTime: 30_000,
    placeholderData: keepPreviousData,
  });
}
