import { feeShare } from '../../../common/money/currency';

/**
 * The platform fee's share of money recovered after release (clawback, card dispute lost after release): the
 * platform gives its fee back in proportion, so the influencer repays only what reached the wallet. Same rounding
 * as releases: cumulative floor over what was released, the last recovery takes the rest, so recovering
 * everything returns exactly the fee recognised.
 */
export function recoveryFee(p: { amountReleased: number; feeRecognized: number; amountClawedBack: number }, amount: number): number {
  if (amount <= 0 || p.amountReleased <= 0) return 0;
  return feeShare(p.amountReleased, p.feeRecognized, p.amountClawedBack, amount);
}
