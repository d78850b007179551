import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiClient, newIdempotencyKey } from '../../../lib/api-client';
import type { Payment } from '../../../types/api';
import { paymentKeys } from './query-keys';

export interface RefundInput {
  paymentId: string;
  amount?: number;
  reason?: string;
}

export function refundPayment({ paymentId, amount, reason }: RefundInput, idempotencyKey = newIdempotencyKey()): Promise<Payment> {
  const body: { amount?: number; reason?: string } = {};
  if (amount !== undefined) body.amount = amount;
  if (reason) body.reason = reason;
  return apiClient.post<Payment>(`/payments/${encodeURIComponent(paymentId)}/refund`, body, { idempotencyKey });
}

export function useRefundPayment() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: RefundInput & { idempotencyKey?: string }) => refundPayment(input, input.idempotencyKey),
    onSuccess: (payment) => {
      qc.setQueryData(paymentKeys.detail(payment.id), payment);
      qc.setQueryData(paymentKeys.byCollaboration(payment.collaborationId), payment);
      void qc.invalidateQueries({ queryKey: paymentKeys.all });
      void qc.invalidateQueries({ queryKey: ['collaborations'] });
    },
  });
}
