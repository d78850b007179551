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
  iat?: number;
  exp?: number;
}
