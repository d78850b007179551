import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiClient } from '../../../lib/api-client';
import type { Payment } from '../../../types/api';

/** 402 AUTHENTICATION_REQUIRED carries `clientSecret` in the error details: confirm on-session with Stripe.js. */
export function payWithSavedCard(paymentId: string, paymentMethodId: string, idempotencyKey?: string): Promise<Payment> {
  return apiClient.post<Payment>(`/payments/${encodeURIComponent(paymentId)}/pay-with-saved-card`, { paymentMethodId }, { idempotencyKey });
}

export function usePayWithSavedCard() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { paymentId: string; paymentMethodId: string; idempotencyKey?: string }) =>
      payWithSavedCard(v.paymentId, v.paymentMethodId, v.idempotencyKey),
    onSettled: () => {
      void qc.invalidateQueries({ queryKey: ['payments'] });
      void qc.invalidateQueries({ queryKey: ['collaborations'] });
    },
  });
}
