import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiClient } from '../../../lib/api-client';
import type { Payment } from '../../../types/api';
import { paymentKeys } from './query-keys';

/** Asks the server to re-read the PaymentIntent from Stripe (the webhook stays the source of truth). */
export function confirmPayment(paymentId: string): Promise<Payment> {
  return apiClient.post<Payment>(`/payments/${encodeURIComponent(paymentId)}/confirm`);
}

export function useConfirmPayment() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: confirmPayment,
    onSuccess: (payment) => {
      qc.setQueryData(paymentKeys.detail(payment.id), payment);
      void qc.invalidateQueries({ queryKey: paymentKeys.byCollaboration(payment.collaborationId) });
      void qc.invalidateQueries({ queryKey: ['collaborations'] });
    },
  });
}
