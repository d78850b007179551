import { useMutation } from '@tanstack/react-query';
import { apiClient } from '../../../lib/api-client';

export function createLoginLink(): Promise<{ url: string }> {
  return apiClient.post<{ url: string }>('/connect/login-link', {});
}

/** Opens the influencer's Stripe Express dashboard (a fresh single-use link per click). */
export function useOpenExpressDashboard() {
  return useMutation({
    mutationFn: async () => {
      const { url } = await createLoginLink();
      window.location.assign(url);
    },
  });
}
