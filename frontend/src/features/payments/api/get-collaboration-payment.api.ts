import { useQuery } from '@tanstack/react-query';
import { ApiError, apiClient } from '../../../lib/api-client';
import type { Payment } from '../../../types/api';
import { paymentKeys } from './query-keys';

/** The payment of a collaboration, or null when there is none yet (404). */
export async function getCollaborationPayment(collaborationId: string, signal?: AbortSignal): Promise<Payment | null> {
  try {
    return await apiClient.get<Payment>(`/payments/collaboration/${encodeURIComponent(collaborationId)}`, undefined, signal);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
}

export function useCollaborationPayment(collaborationId: string | undefined, enabled = true) {
  return useQuery({
    queryKey: paymentKeys.byCollaboration(collaborationId ?? ''),
    queryFn: ({ signal }) => getCollaborationPayment(collaborationId!, signal),
    enabled: !!collaborationId && enabled,
  });
}
