import { formatMoney, tryParseMajorToMinor } from '../../../lib/money';

export interface SplitErrors {
  release?: string;
  refund?: string;
  sum?: string;
  note?: string;
}

/** Parses a major-unit amount where 0 is allowed (a split may give everything to one side). */
function parsePart(text: string, currency: string): { ok: true; value: number } | { ok: false; error: string } {
  if (text.trim() === '') return { ok: false, error: 'Enter an amount (0 for none)' };
  return tryParseMajorToMinor(text, currency);
}

/**
 * An admin's resolution: release X to the influencer and refund Y to the company, in exact minor units,
 * with X + Y equal to the dispute's amount (to the cent).
 */
export function validateSplit(input: { release: string; refund: string; note: string }, amount: number, currency: string) {
  const errors: SplitErrors = {};
  const r = parsePart(input.release, currency);
  const f = parsePart(input.refund, currency);
  if (!r.ok) errors.release = r.error;
  if (!f.ok) errors.refund = f.error;
  if (r.ok && f.ok && r.value + f.value !== amount) {
    const sum = r.value + f.value;
    const diff = amount - sum;
    errors.sum = `Release and refund add up to ${formatMoney({ amount: sum, currency })}; they must add up to exactly ${formatMoney({ amount, currency })} (${diff > 0 ? `${formatMoney({ amount: diff, currency })} unassigned` : `${formatMoney({ amount: -diff, currency })} too much`}).`;
  }
  const note = input.note.trim();
  if (!note) errors.note = 'Explain the decision to both parties';
  else if (note.length > 5000) errors.note = 'At most 5000 characters';
  if (Object.keys(errors).length > 0 || !r.ok || !f.ok) return { errors };
  return { errors, value: { releaseAmount: r.value, refundAmount: f.value, note } };
}
