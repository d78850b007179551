import { createContext, useContext } from 'react';
import type { AuthSession, User } from '../../../lib/auth-storage';

export interface AuthContextValue {
  user: User | null;
  token: string | null;
  signIn: (session: AuthSession) => void;
  signOut: () => void;
}

export const AuthContext = createContext<AuthContextValue | null>(null);

export function useAuth(): AuthContextValue {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth must be used inside <AuthProvider>');
  return ctx;
}

/** Where each role lands after signing in. */
export function homePathFor(role: User['role'] | undefined): string {
  switch (role) {
    case 'company':
      return '/dashboard';
    case 'influencer':
      return '/dashboard';
    case 'admin':
      return '/admin';
    default:
      return '/sign-in';
  }
}
