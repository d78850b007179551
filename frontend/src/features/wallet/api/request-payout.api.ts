import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiClient } from '../../../lib/api-client';
import type { Payout } from '../../../types/api';
import { walletKeys } from './query-keys';

export interface PayoutInput {
  amount: number;
  currency: string;
}

export function requestPayout(input: PayoutInput, idempotencyKey?: string): Promise<Payout> {
  return apiClient.post<Payout>('/wallet/payout', input, { idempotencyKey });
}

export function useRequestPayout() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ idempotencyKey, ...input }: PayoutInput & { idempotencyKey?: string }) => requestPayout(input, idempotencyKey),
    onSuccess: () => qc.invalidateQueries({ queryKey: walletKeys.all }),
  });
}
