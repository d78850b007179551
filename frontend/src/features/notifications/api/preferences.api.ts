import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';

/** GET/PUT /api/notifications/preferences (which emails a user gets). */
export interface NotificationPreferences {
  email: Record<string, boolean>;
  kinds: Array<{ kind: string; label: string }>;
  emailEnabled: boolean;
}

const key = ['notifications', 'preferences'] as const;

export function useNotificationPreferences() {
  return useQuery({ queryKey: key, queryFn: ({ signal }) => apiRequest<NotificationPreferences>('/notifications/preferences', { signal }) });
}

export function useUpdateNotificationPreferences() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (email: Record<string, boolean>) => apiRequest<NotificationPreferences>('/notifications/preferences', { method: 'PUT', body: { email } }),
    onSuccess: (data) => qc.setQueryData(key, data),
  });
}
