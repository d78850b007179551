import { useMutation } from '@tanstack/react-query';
import { apiClient } from '../../../lib/api-client';
import type { AuthSession } from '../../../lib/auth-storage';

export interface LoginInput {
  email: string;
  password: string;
}

export function login(input: LoginInput): Promise<AuthSession> {
  return apiClient.post<AuthSession>('/auth/login', input);
}

export function useLogin() {
  return useMutation({ mutationFn: login });
}
