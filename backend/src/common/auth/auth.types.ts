export type Role = 'company' | 'influencer' | 'admin';
export const ROLES: readonly Role[] = ['company', 'influencer', 'admin'];

export interface AuthUser {
  id: string;
  email: string;
  role: Role;
}

export interface JwtPayload {
  sub: string;
  email: string;
  role: Role;
  /** The token's own id: what `POST /api/auth/logout` revokes. */
  jti?: string;
  iat?: number;
  exp?: number;
}

/** A verified token: its user as the token names them, its id and its expiry (ms since epoch). */
export interface VerifiedToken extends AuthUser {
  jti: string;
  expiresAt: number;
}
