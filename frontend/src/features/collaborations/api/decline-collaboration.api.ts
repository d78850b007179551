import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiClient } from '../../../lib/api-client';
import type { Collaboration } from '../../../types/api';
import { collaborationKeys } from './query-keys';

export function declineCollaboration(id: string): Promise<Collaboration> {
  return apiClient.post<Collaboration>(`/collaborations/${encodeURIComponent(id)}/decline`);
}

export function useDeclineCollaboration() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: declineCollaboration,
    onSuccess: () => qc.invalidateQueries({ queryKey: collaborationKeys.all }),
  });
}
