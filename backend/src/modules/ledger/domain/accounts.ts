/**
 * Ledger account codes and their nature. Postings are signed: + is a debit, - is a credit; the postings of
 * one entry sum to zero per currency. An account's (natural) balance is sum(postings) for debit-normal
 * accounts and -sum(postings) for credit-normal ones, so every balance reads as a positive amount.
 */
export type Normal = 'debit' | 'credit';

export interface AccountMeta {
  normal: Normal;
  nonNegative: boolean;
  ownerUserId: string | null;
}

export const Accounts = {
  stripeBalance: 'platform:stripe_balance', // asset: money in the platform's Stripe balance
  stripeFees: 'platform:stripe_fees', // expense: Stripe's processing fees
  feeRevenue: 'platform:fee_revenue', // revenue: the platform fee
  disputeLosses: 'platform:dispute_losses', // expense: chargebacks not covered by held funds
  escrow: (paymentId: string) => `escrow:${paymentId}`, // liability: held for a collaboration
  disputed: (paymentId: string) => `disputes:${paymentId}`, // asset: withdrawn by Stripe while a dispute is open
  walletAvailable: (userId: string) => `wallet:${userId}:available`, // liability: owed to the influencer, withdrawable
  walletPending: (userId: string) => `wallet:${userId}:pending`, // liability: owed, not yet withdrawable
  walletOwed: (userId: string) => `wallet:${userId}:owed`, // asset: what the influencer owes the platform after a clawback (a debt, >= 0)
  payoutsInTransit: (userId: string) => `payouts:in_transit:${userId}`, // liability: on its way to the bank
} as const;

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const RULES: Array<[RegExp, (m: RegExpMatchArray) => AccountMeta]> = [
  [/^platform:(stripe_balance|stripe_fees|dispute_losses)$/, () => ({ normal: 'debit', nonNegative: false, ownerUserId: null })],
  [/^platform:fee_revenue$/, () => ({ normal: 'credit', nonNegative: false, ownerUserId: null })],
  [new RegExp(`^escrow:${UUID}$`), () => ({ normal: 'credit', nonNegative: true, ownerUserId: null })],
  [new RegExp(`^disputes:${UUID}$`), () => ({ normal: 'debit', nonNegative: true, ownerUserId: null })],
  [new RegExp(`^wallet:(${UUID}):(available|pending)$`), (m) => ({ normal: 'credit', nonNegative: true, ownerUserId: m[1] })],
  // the debt is its own debit-normal account, so it too can never go below zero: no wallet balance is ever negative
  [new RegExp(`^wallet:(${UUID}):owed$`), (m) => ({ normal: 'debit', nonNegative: true, ownerUserId: m[1] })],
  [new RegExp(`^payouts:in_transit:(${UUID})$`), (m) => ({ normal: 'credit', nonNegative: true, ownerUserId: m[1] })],
];

export function accountMeta(code: string): AccountMeta {
  for (const [re, f] of RULES) {
    const m = code.match(re);
    if (m) return f(m);
  }
  throw new Error(`unknown ledger account ${code}`);
}

/** How a signed posting changes the account's natural balance. */
export const naturalDelta = (normal: Normal, amount: number) => (normal === 'debit' ? amount : -amount);

export interface PostingLine {
  account: string;
  currency: string;
  amount: number; // signed minor units: + debit, - credit
}

/** Checks an entry before it touches the database: integers, non-zero, known accounts, balanced per currency. */
export function validateLines(lines: PostingLine[]): void {
  if (lines.length < 2) throw new Error('a journal entry needs at least two postings');
  const sums = new Map<string, bigint>();
  for (const l of lines) {
    if (!Number.isSafeInteger(l.amount) || l.amount === 0) throw new Error(`posting amount must be a non-zero safe integer, got ${l.amount}`);
    accountMeta(l.account);
    sums.set(l.currency, (sums.get(l.currency) ?? 0n) + BigInt(l.amount));
  }
  for (const [cur, s] of sums) if (s !== 0n) throw new Error(`journal entry does not balance in ${cur}: ${s}`);
}
