import { useQuery } from '@tanstack/react-query';
import { apiClient } from '../../../lib/api-client';
import type { Payment } from '../../../types/api';
import { paymentKeys } from './query-keys';

export interface PaymentIntentResult {
  payment: Payment;
  clientSecret: string;
}

/** The server returns the existing open payment instead of a second intent, so this is safe to repeat. */
export function createPaymentIntent(collaborationId: string): Promise<PaymentIntentResult> {
  return apiClient.post<PaymentIntentResult>('/payments/create-intent', { collaborationId });
}

export function usePaymentIntent(collaborationId: string | undefined) {
  return useQuery({
    queryKey: paymentKeys.intent(collaborationId ?? ''),
    queryFn: () => createPaymentIntent(collaborationId!),
    enabled: !!collaborationId,
    staleTime: Infinity,
    gcTime: 0,
    refetchOnWindowFocus: false,
    retry: false,
  });
}
