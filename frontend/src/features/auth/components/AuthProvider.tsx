import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { getSession, setSession, subscribeSession, type AuthSession } from '../../../lib/auth-storage';
import { AuthContext, type AuthContextValue } from '../hooks/use-auth';
import { useMe } from '../api/get-me.api';

export function AuthProvider({ children }: { children: ReactNode }) {
  const [session, setState] = useState<AuthSession | null>(() => getSession());
  const queryClient = useQueryClient();

  useEffect(() => subscribeSession(setState), []);

  // Also follow sign-in/out in other tabs.
  useEffect(() => {
    const onStorage = (e: StorageEvent) => {
      if (e.key === 'collabpay.auth') setState(getSession());
    };
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }, []);

  // Refresh the stored user from the server (a 401 clears the session in the API client).
  const me = useMe(!!session);
  useEffect(() => {
    if (me.data && session && JSON.stringify(me.data) !== JSON.stringify(session.user)) {
      setSession({ accessToken: session.accessToken, user: me.data });
    }
  }, [me.data, session]);

  const signIn = useCallback(
    (s: AuthSession) => {
      queryClient.clear();
      setSession(s);
    },
    [queryClient],
  );

  const signOut = useCallback(() => {
    setSession(null);
    queryClient.clear();
  }, [queryClient]);

  const value = useMemo<AuthContextValue>(
    () => ({ user: session?.user ?? null, token: session?.accessToken ?? null, signIn, signOut }),
    [session, signIn, signOut],
  );

  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}
