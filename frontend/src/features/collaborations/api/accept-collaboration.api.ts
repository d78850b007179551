import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiClient } from '../../../lib/api-client';
import type { Collaboration } from '../../../types/api';
import { collaborationKeys } from './query-keys';

export interface AcceptCollaborationResult {
  collaboration: Collaboration;
  requiresPayment: boolean;
  paymentInfo?: { paymentId: string; collaborationId: string; amount: number; currency: string };
}

export function acceptCollaboration(id: string): Promise<AcceptCollaborationResult> {
  return apiClient.post<AcceptCollaborationResult>(`/collaborations/${encodeURIComponent(id)}/accept`);
}

export function useAcceptCollaboration() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: acceptCollaboration,
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: collaborationKeys.all });
      void qc.invalidateQueries({ queryKey: ['payments'] });
    },
  });
}
