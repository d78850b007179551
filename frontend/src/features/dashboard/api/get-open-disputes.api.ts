import { useQuery } from '@tanstack/react-query';
import { ApiError, apiClient } from '../../../lib/api-client';

/** Open mediation disputes (API.md "Disputes"); null while the server has no disputes endpoint yet (404). */
export async function getOpenDisputeCount(signal?: AbortSignal): Promise<number | null> {
  try {
    const res = await apiClient.get<{ data: unknown[]; nextCursor?: string | null } | unknown[]>('/disputes', { status: 'OPEN', limit: 100 }, signal);
    return Array.isArray(res) ? res.length : (res?.data?.length ?? 0);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
}

export function useOpenDisputeCount() {
  return useQuery({ queryKey: ['dashboard', 'disputes', 'open'], queryFn: ({ signal }) => getOpenDisputeCount(signal) });
}
