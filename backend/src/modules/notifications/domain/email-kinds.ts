import { createHash } from 'node:crypto';

/**
 * Which realtime events also become an email, for whom, and how often. Pure: the outbox calls `emailFor` in the
 * transaction that writes the event, so the email is queued exactly when the change commits, and the `dedupeKey`
 * (unique per user) keeps one email per real event even when the same status is announced twice.
 */
export const EMAIL_KINDS = {
  collaboration_proposed: 'A company proposes a collaboration to you',
  payment_held: 'A payment is held for a collaboration',
  milestone_submitted: 'Work is submitted and waits for your review',
  changes_requested: 'The company asks for changes',
  auto_release_soon: 'Money is released automatically soon',
  payment_released: 'Money is released to your wallet',
  dispute_update: 'A dispute is opened, answered or resolved',
  payout_paid: 'A payout reached your bank',
  payout_failed: 'A payout failed',
  requirements_due: 'Stripe needs information before you can be paid out',
} as const;

export type EmailKind = keyof typeof EMAIL_KINDS;
export const EMAIL_KIND_LIST = Object.keys(EMAIL_KINDS) as EmailKind[];

export function isEmailKind(k: string): k is EmailKind {
  return Object.prototype.hasOwnProperty.call(EMAIL_KINDS, k);
}

export interface EmailIntent {
  kind: EmailKind;
  /** unique per user: the same key twice queues one email */
  dedupeKey: string;
}

type Payload = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));

/**
 * @param outboxId the outbox row's id: the key for events that may rightly happen several times (a release per milestone)
 */
export function emailFor(event: string, payload: Payload, outboxId: number | string): EmailIntent | null {
  const status = str(payload.status);
  switch (event) {
    case 'payment:update':
      if (status === 'HELD') return { kind: 'payment_held', dedupeKey: `payment_held:${str(payload.paymentId)}` };
      if (status === 'RELEASED' || status === 'PARTIALLY_RELEASED') return { kind: 'payment_released', dedupeKey: `payment_released:${outboxId}` };
      return null;
    case 'payout:update':
      if (status === 'COMPLETED') return { kind: 'payout_paid', dedupeKey: `payout_paid:${str(payload.payoutId)}` };
      if (status === 'FAILED') return { kind: 'payout_failed', dedupeKey: `payout_failed:${str(payload.payoutId)}` };
      return null;
    case 'collaboration:update': {
      const milestoneStatus = str(payload.milestoneStatus);
      if (status === 'PROPOSED' && !milestoneStatus) return { kind: 'collaboration_proposed', dedupeKey: `proposed:${str(payload.collaborationId)}` };
      if (milestoneStatus === 'SUBMITTED') return { kind: 'milestone_submitted', dedupeKey: `submitted:${outboxId}` };
      if (milestoneStatus === 'CHANGES_REQUESTED') return { kind: 'changes_requested', dedupeKey: `changes:${outboxId}` };
      return null;
    }
    case 'dispute:update':
      return { kind: 'dispute_update', dedupeKey: `dispute:${outboxId}` };
    default:
      return null;
  }
}

/**
 * `requirements_due` for a connected account whose onboarding is done: one email per new set of fields due (currently
 * or past due) and deadline, so a redelivered or repeated `account.updated` with the same requirements sends nothing
 * more, while a new field, a new deadline or the deadline passing (fields move to past due) sends one.
 */
export function requirementsDueEmail(
  accountId: string,
  a: { detailsSubmitted: boolean; currentlyDue: string[]; pastDue: string[]; currentDeadline: number | null },
): EmailIntent | null {
  if (!a.detailsSubmitted) return null;
  const due = [...new Set([...a.currentlyDue, ...a.pastDue])].sort();
  if (!due.length) return null;
  const past = [...new Set(a.pastDue)].sort();
  const digest = createHash('sha256')
    .update(JSON.stringify([due, past, a.currentDeadline]))
    .digest('base64url')
    .slice(0, 22);
  return { kind: 'requirements_due', dedupeKey: `requirements_due:${accountId}:${digest}` };
}

/** `auto_release_soon` to the company, once per submission of a milestone (a resubmission has a new review end). */
export function autoReleaseSoonEmail(milestoneId: string, reviewDueAt: Date): EmailIntent {
  return { kind: 'auto_release_soon', dedupeKey: `auto_release_soon:${milestoneId}:${reviewDueAt.toISOString()}` };
}
