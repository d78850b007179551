import { CURRENCIES, formatMoney, tryParseMajorToMinor } from '../../../lib/money';
import type { CreateCollaborationInput } from '../api/create-collaboration.api';

export interface MilestoneDraft {
  key: number;
  title: string;
  amount: string;
}

export interface ProposalDraft {
  /** find a registered influencer (influencerId from the search) or invite by email */
  mode?: 'search' | 'email';
  influencerId: string;
  influencerEmail?: string;
  /** days the company has to review a submission (1..30); empty = the server's default */
  reviewPeriodDays?: string;
  title: string;
  description: string;
  amount: string;
  currency: string;
  /** one_time (default) or monthly: a retainer charged `amount` every month, without milestones */
  billing?: 'one_time' | 'monthly';
  milestones: MilestoneDraft[];
}

export interface ProposalErrors {
  influencerId?: string;
  influencerEmail?: string;
  reviewPeriodDays?: string;
  title?: string;
  amount?: string;
  milestones?: string;
  milestoneFields?: Record<number, { title?: string; amount?: string }>;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const DEFAULT_REVIEW_PERIOD_DAYS = 7;

/** Validates a proposal; returns the payload (minor units) only when there are no errors. */
export function validateProposal(draft: ProposalDraft): { errors: ProposalErrors; payload?: CreateCollaborationInput } {
  const errors: ProposalErrors = {};
  const byEmail = draft.mode === 'email';
  const influencerId = draft.influencerId.trim();
  const influencerEmail = (draft.influencerEmail ?? '').trim().toLowerCase();
  if (byEmail) {
    if (!influencerEmail) errors.influencerEmail = "Enter the influencer's email";
    else if (!EMAIL_RE.test(influencerEmail) || influencerEmail.length > 254) errors.influencerEmail = 'Enter a valid email, e.g. name@example.com';
  } else if (!influencerId) errors.influencerId = 'Find the influencer by name or handle and pick them from the list';
  else if (!UUID_RE.test(influencerId)) errors.influencerId = 'Pick the influencer from the list';
  let reviewPeriodDays: number | undefined;
  const review = (draft.reviewPeriodDays ?? '').trim();
  if (review !== '') {
    if (!/^\d+$/.test(review) || Number(review) < 1 || Number(review) > 30) errors.reviewPeriodDays = 'The review period is 1 to 30 days';
    else reviewPeriodDays = Number(review);
  }
  if (!draft.title.trim()) errors.title = 'Enter a title';

  const currency = draft.currency;
  let amount: number | undefined;
  const parsed = tryParseMajorToMinor(draft.amount, currency);
  if (!parsed.ok) errors.amount = parsed.error;
  else if (parsed.value <= 0) errors.amount = 'Amount must be greater than zero';
  else {
    const min = CURRENCIES[currency]?.minimumCharge;
    if (min !== undefined && parsed.value < min) errors.amount = `The minimum is ${formatMoney({ amount: min, currency })}`;
    else amount = parsed.value;
  }

  const milestones: { title: string; amount: number }[] = [];
  const fieldErrors: Record<number, { title?: string; amount?: string }> = {};
  let milestonesValid = true;
  for (const m of draft.milestones) {
    const fe: { title?: string; amount?: string } = {};
    if (!m.title.trim()) fe.title = 'Enter a milestone title';
    const p = tryParseMajorToMinor(m.amount, currency);
    if (!p.ok) fe.amount = p.error;
    else if (p.value <= 0) fe.amount = 'Must be greater than zero';
    if (fe.title || fe.amount) {
      fieldErrors[m.key] = fe;
      milestonesValid = false;
    } else if (p.ok) {
      milestones.push({ title: m.title.trim(), amount: p.value });
    }
  }
  if (!milestonesValid) errors.milestoneFields = fieldErrors;
  const monthly = draft.billing === 'monthly';
  if (monthly && draft.milestones.length > 0) errors.milestones = 'A monthly retainer has no milestones: each month is released on its own.';
  else if (milestonesValid && milestones.length > 0 && amount !== undefined) {
    const sum = milestones.reduce((s, m) => s + m.amount, 0);
    if (sum !== amount) {
      errors.milestones = `Milestones add up to ${formatMoney({ amount: sum, currency })}, but the amount is ${formatMoney({ amount, currency })}. They must be equal.`;
    }
  }

  if (Object.keys(errors).length > 0 || amount === undefined) return { errors };
  const payload: CreateCollaborationInput = {
    ...(byEmail ? { influencerEmail } : { influencerId }),
    title: draft.title.trim(),
    amount,
    currency,
    ...(reviewPeriodDays !== undefined ? { reviewPeriodDays } : {}),
  };
  if (draft.description.trim()) payload.description = draft.description.trim();
  if (monthly) payload.billing = 'monthly';
  else if (milestones.length > 0) payload.milestones = milestones;
  return { errors, payload };
}

/** Sum of the milestone amounts that parse (for the live total shown under the list). */
export function milestonesTotal(draft: ProposalDraft): number | null {
  let sum = 0;
  for (const m of draft.milestones) {
    const p = tryParseMajorToMinor(m.amount, draft.currency);
    if (!p.ok) return null;
    sum += p.value;
  }
  return sum;
}
