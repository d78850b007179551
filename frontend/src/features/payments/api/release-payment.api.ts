import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiClient, newIdempotencyKey } from '../../../lib/api-client';
import type { Payment, ReleaseBody } from '../../../types/api';
import { paymentKeys } from './query-keys';

export interface ReleaseInput {
  collaborationId: string;
  milestoneId?: string;
}

export function releasePayment({ collaborationId, milestoneId }: ReleaseInput, idempotencyKey = newIdempotencyKey()): Promise<Payment> {
  const body: ReleaseBody = milestoneId ? { milestoneId } : {};
  return apiClient.post<Payment>(`/payments/collaboration/${encodeURIComponent(collaborationId)}/release`, body, {
    idempotencyKey,
  });
}

export function useReleasePayment() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: ReleaseInput & { idempotencyKey?: string }) => releasePayment(input, input.idempotencyKey),
    onSuccess: (payment) => {
      qc.setQueryData(paymentKeys.detail(payment.id), payment);
      qc.setQueryData(paymentKeys.byCollaboration(payment.collaborationId), payment);
      void qc.invalidateQueries({ queryKey: paymentKeys.all });
      void qc.invalidateQueries({ queryKey: ['collaborations'] });
    },
  });
}
