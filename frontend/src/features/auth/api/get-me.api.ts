import { useQuery } from '@tanstack/react-query';
import { apiClient } from '../../../lib/api-client';
import type { User } from '../../../lib/auth-storage';

export const meQueryKey = ['auth', 'me'] as const;

export function getMe(signal?: AbortSignal): Promise<User> {
  return apiClient.get<User>('/auth/me', undefined, signal);
}

export function useMe(enabled: boolean) {
  return useQuery({ queryKey: meQueryKey, queryFn: ({ signal }) => getMe(signal), enabled, staleTime: 60_000 });
}
