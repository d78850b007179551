import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiClient } from '../../../lib/api-client';

export function replayWebhookEvent(id: string): Promise<unknown> {
  return apiClient.post<unknown>(`/admin/webhook-events/${encodeURIComponent(id)}/replay`);
}

export function useReplayWebhookEvent() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: replayWebhookEvent,
    onSuccess: () => qc.invalidateQueries({ queryKey: ['admin'] }),
  });
}
