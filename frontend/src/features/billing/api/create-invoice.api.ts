import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiClient } from '../../../lib/api-client';
import { billingKeys } from './query-keys';
import type { Invoice } from './types';

export function createInvoice(input: { collaborationId: string; daysUntilDue?: number }, idempotencyKey?: string): Promise<Invoice> {
  return apiClient.post<Invoice>('/invoices', input, { idempotencyKey });
}

export function useCreateInvoice() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ idempotencyKey, ...input }: { collaborationId: string; daysUntilDue?: number; idempotencyKey?: string }) =>
      createInvoice(input, idempotencyKey),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: billingKeys.all });
      void qc.invalidateQueries({ queryKey: ['collaborations'] });
      void qc.invalidateQueries({ queryKey: ['payments'] });
    },
  });
}
