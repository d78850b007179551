import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiClient } from '../../../lib/api-client';
import type { Collaboration } from '../../../types/api';
import { collaborationKeys } from './query-keys';

export interface CreateCollaborationInput {
  /** exactly one of influencerId and influencerEmail */
  influencerId?: string;
  /** invite by email: an unregistered email becomes the influencer when it signs up as one */
  influencerEmail?: string;
  /** days the company has to review a submission before it is released automatically (1..30) */
  reviewPeriodDays?: number;
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
