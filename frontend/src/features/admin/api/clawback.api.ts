import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiClient } from '../../../lib/api-client';
import type { Payment } from '../../../types/api';

export interface ClawbackInput {
  paymentId: string;
  amount: number;
  reason: string;
  idempotencyKey: string;
}

/** Admin: refund released money to the company and recover it from the influencer (wallet first, the rest owed). */
export function clawback({ paymentId, idempotencyKey, ...body }: ClawbackInput): Promise<Payment & { amountClawedBack?: number }> {
  return apiClient.post(`/admin/payments/${encodeURIComponent(paymentId)}/clawback`, body, { idempotencyKey });
}

export function useClawback() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: clawback,
    onSuccess: (p) => {
      qc.setQueryData(['payments', 'detail', p.id], p);
      void qc.invalidateQueries({ queryKey: ['admin', 'audit-log'] });
    },
  });
}
