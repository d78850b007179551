import { badRequest } from '../../../common/errors/app-error';
import { formatMoney } from '../../../common/money/currency';

export interface WalletTransaction {
  id: string;
  type: 'credit' | 'debit';
  amount: number;
  currency: string;
  balanceBefore: number;
  balanceAfter: number;
  description: string;
  referenceType: string;
  referenceId: string;
  createdAt: string;
}

/**
 * A wallet transaction is one posting on `wallet:<user>:available` (credit-normal): a credit (signed amount < 0)
 * raises the balance, a debit lowers it. `balanceAfter` is the posting's own; `balanceBefore` follows from it.
 */
export function toTransaction(p: {
  id: string;
  amount: number;
  currency: string;
  balanceAfter: number;
  description: string;
  referenceType: string;
  referenceId: string;
  createdAt: Date | string;
}): WalletTransaction {
  const credit = p.amount < 0;
  return {
    id: p.id,
    type: credit ? 'credit' : 'debit',
    amount: Math.abs(p.amount),
    currency: p.currency,
    balanceBefore: p.balanceAfter + p.amount, // natural delta of a credit-normal account is -amount
    balanceAfter: p.balanceAfter,
    description: p.description,
    referenceType: p.referenceType,
    referenceId: p.referenceId,
    createdAt: new Date(p.createdAt).toISOString(),
  };
}

/** Opaque cursor over posting ids. */
export const encodeTxCursor = (id: string) => Buffer.from(`tx:${id}`).toString('base64url');

export function decodeTxCursor(cursor: string | undefined): string | undefined {
  if (!cursor) return undefined;
  const raw = Buffer.from(cursor, 'base64url').toString('utf8');
  const m = /^tx:(\d{1,19})$/.exec(raw);
  if (!m || BigInt(m[1]) > 9223372036854775807n) throw badRequest('INVALID_CURSOR', 'cursor is not valid');
  return m[1];
}

// ---------------------------------------------------------------- CSV

export const CSV_HEADER = [
  'id',
  'created_at',
  'type',
  'currency',
  'amount_minor',
  'amount',
  'balance_before_minor',
  'balance_after_minor',
  'balance_after',
  'description',
  'reference_type',
  'reference_id',
];

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, quote, CR or LF, quotes doubled. Text that a spreadsheet
 * would run as a formula (starting with = + - @ or a tab/CR) is prefixed with ' (descriptions carry user text).
 */
export function csvField(v: string | number, text = false): string {
  let s = String(v);
  if (text && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvRow(t: WalletTransaction): string {
  return [
    csvField(t.id),
    csvField(t.createdAt),
    csvField(t.type),
    csvField(t.currency),
    csvField(t.amount),
    csvField(formatMoney({ amount: t.amount, currency: t.currency })),
    csvField(t.balanceBefore),
    csvField(t.balanceAfter),
    csvField(formatMoney({ amount: t.balanceAfter, currency: t.currency })),
    csvField(t.description, true),
    csvField(t.referenceType, true),
    csvField(t.referenceId, true),
  ].join(',');
}
