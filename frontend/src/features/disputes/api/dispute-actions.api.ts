import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiClient } from '../../../lib/api-client';
import { disputeKeys } from './query-keys';
import type { Dispute, DisputeReason } from './types';

export interface OpenDisputeInput {
  collaborationId: string;
  milestoneId?: string;
  reason: DisputeReason;
  details: string;
}

export function openDispute({ collaborationId, ...body }: OpenDisputeInput): Promise<Dispute> {
  return apiClient.post<Dispute>(`/collaborations/${encodeURIComponent(collaborationId)}/disputes`, body);
}

export function postDisputeMessage(input: { disputeId: string; body: string; links?: string[] }): Promise<Dispute> {
  return apiClient.post<Dispute>(`/disputes/${encodeURIComponent(input.disputeId)}/messages`, {
    body: input.body,
    ...(input.links?.length ? { links: input.links } : {}),
  });
}

export function withdrawDispute(disputeId: string): Promise<Dispute> {
  return apiClient.post<Dispute>(`/disputes/${encodeURIComponent(disputeId)}/withdraw`);
}

export interface ResolveDisputeInput {
  disputeId: string;
  releaseAmount: number;
  refundAmount: number;
  note: string;
  idempotencyKey: string;
}

export function resolveDispute({ disputeId, idempotencyKey, ...body }: ResolveDisputeInput): Promise<Dispute> {
  return apiClient.post<Dispute>(`/admin/disputes/${encodeURIComponent(disputeId)}/resolve`, body, { idempotencyKey });
}

/** Every answer is the dispute: cache it; the collaboration (frozen milestones) and money may have changed too. */
function useDisputeMutation<I>(fn: (input: I) => Promise<Dispute>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: (d) => {
      qc.setQueryData(disputeKeys.detail(d.id), d);
      void qc.invalidateQueries({ queryKey: ['disputes', 'list'] });
      void qc.invalidateQueries({ queryKey: ['collaborations', 'detail', d.collaborationId] });
      void qc.invalidateQueries({ queryKey: ['payments'] });
    },
  });
}

export const useOpenDispute = () => useDisputeMutation(openDispute);
export const usePostDisputeMessage = () => useDisputeMutation(postDisputeMessage);
export const useWithdrawDispute = () => useDisputeMutation(withdrawDispute);
export const useResolveDispute = () => useDisputeMutation(resolveDispute);
