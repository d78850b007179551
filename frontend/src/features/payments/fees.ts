import type { MoneyBreakdown } from '../../components/ConfirmDialog';

/** What a payment or a collaboration tells about its fee; fields that land later are optional. */
export interface FeeSource {
  amount: number;
  currency: string;
  platformFee?: number | null;
  influencerAmount?: number | null;
  platformFeeBps?: number | null;
  feePreview?: { platformFee: number; influencerAmount: number } | null;
}

/** The fee the server fixes for `amount` at `bps` (same rounding as the server: half up on integer minor units). */
export function feeAt(amount: number, bps: number): number {
  return Math.round((amount * bps) / 10000);
}

/**
 * Gross, fee and net for a confirmation or the checkout: the payment's own figures first, then the collaboration's
 * preview or its fixed rate; null when nothing says yet (the screen then says the fee is set when charged).
 */
export function breakdownOf(src: FeeSource | null | undefined, amount = src?.amount): MoneyBreakdown | null {
  if (!src || typeof amount !== 'number') return null;
  const whole = amount === src.amount;
  let fee: number | null = null;
  if (typeof src.platformFee === 'number' && whole) fee = src.platformFee;
  else if (src.feePreview && whole) fee = src.feePreview.platformFee;
  else if (typeof src.platformFeeBps === 'number') fee = feeAt(amount, src.platformFeeBps);
  else if (typeof src.platformFee === 'number' && src.amount > 0) fee = Math.round((src.platformFee * amount) / src.amount);
  if (fee === null) return null;
  return { currency: src.currency, gross: amount, fee, net: amount - fee };
}
