/**
 * What an influencer's Connect onboarding looks like to CollabPay, derived only from the Stripe account:
 * - NOT_STARTED: no connected account yet.
 * - PENDING: onboarding not finished (details not submitted), or Stripe is still verifying what was submitted.
 * - ACTIVE: payouts are enabled and Stripe has not disabled the account (requirements may still be listed as
 *   due by a future deadline; they are reported in `requirementsDue`).
 * - RESTRICTED: details were submitted but Stripe disabled the account or payouts (more information needed,
 *   rejected, past due, ...).
 */
export type ConnectStatus = 'NOT_STARTED' | 'PENDING' | 'ACTIVE' | 'RESTRICTED';

export interface AccountFacts {
  payoutsEnabled: boolean;
  detailsSubmitted: boolean;
  disabledReason: string | null;
  currentlyDue: string[];
  /** Requirements whose deadline passed: Stripe pauses payouts until they are provided. */
  pastDue: string[];
  /** When `currentlyDue` becomes past due (unix seconds), or null. */
  currentDeadline: number | null;
}

const STILL_VERIFYING = new Set(['requirements.pending_verification', 'under_review']);

export function deriveConnectStatus(a: AccountFacts | null): ConnectStatus {
  if (!a) return 'NOT_STARTED';
  if (a.payoutsEnabled && !a.disabledReason) return 'ACTIVE';
  if (!a.detailsSubmitted) return 'PENDING';
  if (a.disabledReason && STILL_VERIFYING.has(a.disabledReason)) return 'PENDING';
  return 'RESTRICTED';
}

/** The facts we keep from a Stripe account object (typed loosely so that the pure rule stays SDK-free). */
export function accountFacts(acct: {
  payouts_enabled?: boolean | null;
  details_submitted?: boolean | null;
  requirements?: {
    disabled_reason?: string | null;
    currently_due?: string[] | null;
    past_due?: string[] | null;
    current_deadline?: number | null;
  } | null;
}): AccountFacts {
  return {
    payoutsEnabled: !!acct.payouts_enabled,
    detailsSubmitted: !!acct.details_submitted,
    disabledReason: acct.requirements?.disabled_reason ?? null,
    currentlyDue: [...(acct.requirements?.currently_due ?? [])],
    pastDue: [...(acct.requirements?.past_due ?? [])],
    currentDeadline: acct.requirements?.current_deadline ?? null,
  };
}
