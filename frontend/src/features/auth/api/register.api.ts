import { useMutation } from '@tanstack/react-query';
import { apiClient } from '../../../lib/api-client';
import type { AuthSession } from '../../../lib/auth-storage';

export interface RegisterInput {
  email: string;
  password: string;
  name: string;
  role: 'company' | 'influencer';
  /** influencers: how companies find them (`^[a-z0-9_.]{3,30}$`, unique) */
  handle?: string;
}

export function register(input: RegisterInput): Promise<AuthSession> {
  return apiClient.post<AuthSession>('/auth/register', input);
}

export function useRegister() {
  return useMutation({ mutationFn: register });
}
