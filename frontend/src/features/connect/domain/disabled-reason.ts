/** Stripe's `requirements.disabled_reason` in words a person understands (unknown reasons are shown as they are). */
const REASONS: Record<string, string> = {
  'requirements.past_due': 'Stripe needs information that was due and has not been provided',
  'requirements.pending_verification': 'Stripe is verifying the information you provided',
  listed: 'the account is on a restricted list and under review by Stripe',
  under_review: 'Stripe is reviewing the account',
  platform_paused: 'payouts were paused by the platform',
  'rejected.fraud': 'Stripe rejected the account (suspected fraud)',
  'rejected.listed': 'Stripe rejected the account (restricted list)',
  'rejected.terms_of_service': 'Stripe rejected the account (terms of service)',
  'rejected.other': 'Stripe rejected the account',
  other: 'Stripe paused the account',
};

export function describeDisabledReason(reason: string | null | undefined): string | null {
  if (!reason) return null;
  return REASONS[reason] ?? reason.replace(/[._]/g, ' ');
}

/** A requirement such as `individual.verification.document` as readable words. */
export const describeRequirement = (r: string) => r.replace(/[._]/g, ' ');
