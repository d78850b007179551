/**
 * The one place for human words about states: every status the API sends (payments, collaborations, milestones,
 * payouts, Connect, invoices, retainers, disputes) → a short label, a plain-words explanation and a tone. Screens
 * never print a raw code; an unknown code still reads as words ("SOME_NEW_STATE" → "Some new state").
 */
export type Tone = 'success' | 'error' | 'warning' | 'info' | 'neutral';

export type StatusKind = 'payment' | 'collaboration' | 'milestone' | 'payout' | 'connect' | 'invoice' | 'retainer' | 'dispute';

export interface StatusLabel {
  label: string;
  explanation: string;
  tone: Tone;
}

type Table = Record<string, StatusLabel>;
const s = (label: string, tone: Tone, explanation: string): StatusLabel => ({ label, tone, explanation });

const PAYMENT: Table = {
  PENDING: s('Awaiting payment', 'info', 'The company has not paid yet.'),
  PROCESSING: s('Processing', 'info', 'The bank is processing the payment; this can take a few days.'),
  HELD: s('Held in escrow', 'success', 'Paid. CollabPay holds the money until the company releases it to the influencer.'),
  PARTIALLY_RELEASED: s('Partly released', 'success', 'Part of the money has gone to the influencer; the rest is still held.'),
  RELEASED: s('Released', 'success', 'All the money has gone to the influencer.'),
  PARTIALLY_REFUNDED: s('Partly refunded', 'warning', 'Part of the payment went back to the company.'),
  REFUNDED: s('Refunded', 'warning', 'The payment went back to the company.'),
  FAILED: s('Failed', 'error', 'The last attempt did not go through. The company can try again.'),
  CANCELED: s('Canceled', 'neutral', 'The payment was canceled; no money moved.'),
  DISPUTED: s('Chargeback open', 'error', 'The card holder disputed the charge with their bank; the held money is frozen.'),
};

const COLLABORATION: Table = {
  PROPOSED: s('Proposal sent', 'info', 'Waiting for the influencer to accept or decline.'),
  ACCEPTED: s('Accepted — awaiting payment', 'info', 'The influencer accepted. The company pays next; the money is held until released.'),
  ACTIVE: s('In progress', 'success', 'Paid and held in escrow while the work is done.'),
  COMPLETED: s('Completed', 'success', 'All the money has been released.'),
  DECLINED: s('Declined', 'error', 'The influencer declined the proposal.'),
  CANCELED: s('Canceled', 'neutral', 'The collaboration was canceled.'),
};

const MILESTONE: Table = {
  PENDING: s('Not submitted', 'neutral', 'The influencer has not submitted this milestone yet.'),
  SUBMITTED: s('Waiting for review', 'info', 'Submitted. The company approves it or asks for changes; it is released automatically after the review period.'),
  CHANGES_REQUESTED: s('Changes requested', 'warning', 'The company asked for changes before approving.'),
  RELEASED: s('Released', 'success', 'The money for this milestone went to the influencer.'),
  DISPUTED: s('In dispute', 'error', 'A dispute freezes this milestone’s money until it is resolved.'),
  REFUNDED: s('Refunded', 'warning', 'This milestone’s money went back to the company.'),
};

const PAYOUT: Table = {
  PENDING: s('Requested', 'info', 'The payout is being created.'),
  IN_TRANSIT: s('On its way', 'info', 'The payout is on its way to the bank account; banks usually take 1–3 business days.'),
  COMPLETED: s('Paid out', 'success', 'The money reached the bank account.'),
  FAILED: s('Failed', 'error', 'The bank refused the payout; the money is back in the wallet. Check the bank account details.'),
  CANCELED: s('Canceled', 'neutral', 'The payout was canceled; the money is back in the wallet.'),
};

const CONNECT: Table = {
  NOT_STARTED: s('Not set up', 'neutral', 'Set up payouts to receive money in a bank account.'),
  PENDING: s('Being verified', 'info', 'Stripe is checking the details you gave; payouts start once that is done.'),
  ACTIVE: s('Ready for payouts', 'success', 'Payouts to the bank account are enabled.'),
  RESTRICTED: s('Action needed', 'error', 'Stripe needs more information before payouts can continue.'),
};

const INVOICE: Table = {
  DRAFT: s('Draft', 'neutral', 'Not sent yet.'),
  OPEN: s('Due', 'info', 'Sent and waiting to be paid.'),
  PAID: s('Paid', 'success', 'Paid; the money is held in escrow.'),
  VOID: s('Voided', 'neutral', 'Canceled; it can no longer be paid.'),
  UNCOLLECTIBLE: s('Uncollectible', 'error', 'Marked as not collectable.'),
};

const RETAINER: Table = {
  INCOMPLETE: s('Starting', 'info', 'The first month is being charged.'),
  ACTIVE: s('Active', 'success', 'Charged every month to the saved card.'),
  PAST_DUE: s('Payment failed', 'error', 'The last monthly charge failed; retry it or update the card.'),
  CANCELED: s('Ended', 'neutral', 'No further months will be charged.'),
};

const DISPUTE: Table = {
  OPEN: s('Open', 'warning', 'CollabPay is mediating; the money concerned is frozen.'),
  WITHDRAWN: s('Withdrawn', 'neutral', 'Whoever opened it withdrew it; the money is unfrozen.'),
  RESOLVED: s('Resolved', 'success', 'An admin decided how the money is split.'),
};

const TABLES: Record<StatusKind, Table> = {
  payment: PAYMENT,
  collaboration: COLLABORATION,
  milestone: MILESTONE,
  payout: PAYOUT,
  connect: CONNECT,
  invoice: INVOICE,
  retainer: RETAINER,
  dispute: DISPUTE,
};

/** "SOME_NEW_STATE" → "Some new state": the fallback for a code this build does not know yet. */
export function humanize(code: string): string {
  const words = code.replace(/[_-]+/g, ' ').trim().toLowerCase();
  return words ? words[0].toUpperCase() + words.slice(1) : '';
}

export function statusLabel(kind: StatusKind, code: string | null | undefined): StatusLabel {
  const key = (code ?? '').toUpperCase();
  return TABLES[kind][key] ?? { label: humanize(key) || 'Unknown', tone: 'neutral', explanation: '' };
}

/** Every code a kind knows, e.g. for a filter's options. */
export function statusCodes(kind: StatusKind): string[] {
  return Object.keys(TABLES[kind]);
}
