import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiClient } from '../../../lib/api-client';
import type { Collaboration } from '../../../types/api';
import { collaborationKeys } from './query-keys';

export interface CreateCollaborationInput {
  influencerId: string;
  title: string;
  description?: string;
  amount: number;
  currency: string;
  /** monthly = a retainer: `amount` is charged every month (no milestones); omitted = one_time */
  billing?: 'one_time' | 'monthly';
  milestones?: { title: string; amount: number }[];
}

export function createCollaboration(input: CreateCollaborationInput): Promise<Collaboration> {
  return apiClient.post<Collaboration>('/collaborations', input);
}

export function useCreateCollaboration() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: createCollaboration,
    onSuccess: () => qc.invalidateQueries({ queryKey: collaborationKeys.all }),
  });
}
