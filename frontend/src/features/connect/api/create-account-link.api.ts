import { useMutation } from '@tanstack/react-query';
import { apiClient } from '../../../lib/api-client';
import { createConnectAccount } from './create-connect-account.api';

export function createAccountLink(body: { returnUrl: string; refreshUrl: string }): Promise<{ url: string }> {
  return apiClient.post<{ url: string }>('/connect/account-link', body);
}

/** Creates the Express account if missing, gets a fresh onboarding link and goes there. */
export async function startOnboarding(): Promise<void> {
  await createConnectAccount();
  const origin = window.location.origin;
  const { url } = await createAccountLink({ returnUrl: `${origin}/connect/return`, refreshUrl: `${origin}/connect/refresh` });
  window.location.assign(url);
}

export function useStartOnboarding() {
  return useMutation({ mutationFn: startOnboarding });
}
