import type { AuthUser } from '../auth/auth.types';
import { AppError, notFound } from '../errors/app-error';

/** Anything that belongs to a company and (once known) an influencer: a collaboration, its payment, a dispute. */
export interface Owned {
  companyId: string;
  influencerId: string | null;
}

/**
 * What a user wants to do with a resource:
 * - `view`: read it (the two parties, admins);
 * - `company` / `influencer`: act as that party (pay, release, approve / accept, submit);
 * - `party`: act as either party (open a dispute, write in it); admins are not a party;
 * - `party-or-admin`: either party or an admin (write in a dispute, refund).
 */
export type AccessAction = 'view' | 'company' | 'influencer' | 'party' | 'party-or-admin';

/**
 * The one place that decides who may see or change a resource. Every service asks it instead of comparing ids
 * itself. A user who may not touch a resource is told it does not exist (404 with the resource's own code), so
 * that ids of other tenants reveal nothing; a wrong role is refused earlier by `@Roles` (403).
 */
export function allowed(user: AuthUser, r: Owned, action: AccessAction): boolean {
  const company = r.companyId === user.id;
  const influencer = r.influencerId !== null && r.influencerId === user.id;
  switch (action) {
    case 'view':
      return user.role === 'admin' || company || influencer;
    case 'company':
      return company;
    case 'influencer':
      return influencer;
    case 'party':
      return company || influencer;
    case 'party-or-admin':
      return user.role === 'admin' || company || influencer;
  }
}

/** Returns the resource when `user` may do `action` with it; otherwise throws `missing()` (default 404 NOT_FOUND). */
export function authorize<T extends Owned>(user: AuthUser, r: T | null | undefined, action: AccessAction, missing: () => AppError = () => notFound()): T {
  if (!r || !allowed(user, r, action)) throw missing();
  return r;
}

/** The 404s of the resources the policy guards. */
export const NotFound = {
  collaboration: () => notFound('COLLABORATION_NOT_FOUND', 'Collaboration not found'),
  payment: () => notFound('PAYMENT_NOT_FOUND', 'Payment not found'),
  dispute: () => notFound('DISPUTE_NOT_FOUND', 'Dispute not found'),
};
