import { useQuery } from '@tanstack/react-query';
import { apiClient } from '../../../lib/api-client';
import type { Payment, PaymentStatus } from '../../../types/api';
import { paymentKeys } from './query-keys';

/** Statuses that still move on their own (the page polls as a fallback to the socket). */
export const TRANSIENT_PAYMENT_STATUSES: PaymentStatus[] = ['PENDING', 'PROCESSING'];

export function getPayment(id: string, signal?: AbortSignal): Promise<Payment> {
  return apiClient.get<Payment>(`/payments/${encodeURIComponent(id)}`, undefined, signal);
}

export function usePayment(id: string | undefined, options: { pollWhileTransient?: boolean } = {}) {
  return useQuery({
    queryKey: paymentKeys.detail(id ?? ''),
    queryFn: ({ signal }) => getPayment(id!, signal),
    enabled: !!id,
    refetchInterval: (query) => (options.pollWhileTransient && query.state.data && TRANSIENT_PAYMENT_STATUSES.includes(query.state.data.status) ? 3000 : false),
  });
}
