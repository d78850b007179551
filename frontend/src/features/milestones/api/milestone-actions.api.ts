import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiClient } from '../../../lib/api-client';
import type { Collaboration } from '../../../types/api';
import { collaborationKeys } from '../../collaborations/api/query-keys';

const base = (collaborationId: string, milestoneId: string) =>
  `/collaborations/${encodeURIComponent(collaborationId)}/milestones/${encodeURIComponent(milestoneId)}`;

export interface SubmitMilestoneInput {
  collaborationId: string;
  milestoneId: string;
  note: string;
  links: string[];
}

export function submitMilestone({ collaborationId, milestoneId, note, links }: SubmitMilestoneInput): Promise<Collaboration> {
  return apiClient.post<Collaboration>(`${base(collaborationId, milestoneId)}/submit`, { note, links });
}

export function approveMilestone(input: { collaborationId: string; milestoneId: string; idempotencyKey: string }): Promise<Collaboration> {
  return apiClient.post<Collaboration>(`${base(input.collaborationId, input.milestoneId)}/approve`, {}, { idempotencyKey: input.idempotencyKey });
}

export function requestChanges(input: { collaborationId: string; milestoneId: string; note: string }): Promise<Collaboration> {
  return apiClient.post<Collaboration>(`${base(input.collaborationId, input.milestoneId)}/request-changes`, { note: input.note });
}

/** Each answer is the whole collaboration: put it in the cache, and refresh the payment (approval releases money). */
function useCollaborationMutation<I>(fn: (input: I) => Promise<Collaboration>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: (c) => {
      qc.setQueryData(collaborationKeys.detail(c.id), c);
      void qc.invalidateQueries({ queryKey: ['collaborations', 'list'] });
      void qc.invalidateQueries({ queryKey: ['payments'] });
    },
  });
}

export const useSubmitMilestone = () => useCollaborationMutation(submitMilestone);
export const useApproveMilestone = () => useCollaborationMutation(approveMilestone);
export const useRequestChanges = () => useCollaborationMutation(requestChanges);
