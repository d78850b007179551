/** Where the access token and the signed-in user live (localStorage), with change notifications. */
export type Role = 'company' | 'influencer' | 'admin';

export interface User {
  id: string;
  email: string;
  name: string;
  role: Role;
}

export interface AuthSession {
  accessToken: string;
  user: User;
}

const KEY = 'collabpay.auth';
type Listener = (session: AuthSession | null) => void;
const listeners = new Set<Listener>();

function storage(): Storage | null {
  try {
    return typeof window !== 'undefined' ? window.localStorage : null;
  } catch {
    return null;
  }
}

export function getSession(): AuthSession | null {
  const raw = storage()?.getItem(KEY);
  if (!raw) return null;
  try {
    const parsed = JSON.parse(raw) as AuthSession;
    return parsed && typeof parsed.accessToken === 'string' && parsed.user ? parsed : null;
  } catch {
    return null;
  }
}

export function getAccessToken(): string | null {
  return getSession()?.accessToken ?? null;
}

export function setSession(session: AuthSession | null): void {
  const s = storage();
  if (session) s?.setItem(KEY, JSON.stringify(session));
  else s?.removeItem(KEY);
  listeners.forEach((l) => l(session));
}

export function subscribeSession(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
