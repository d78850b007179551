import { formatBps, formatMoney, platformFee } from '../../../lib/money';

/** What the platform keeps and what the influencer receives, at the fee rate fixed on the proposal. */
export function FeePreview({ amount, currency, bps }: { amount: number; currency: string; bps: number }) {
  const fee = platformFee(amount, bps);
  return (
    <dl className="facts facts-compact fee-preview" aria-live="polite" data-testid="fee-preview">
      <dt>Platform fee ({formatBps(bps)})</dt>
      <dd data-testid="fee-preview-fee">{formatMoney({ amount: fee, currency })}</dd>
      <dt>The influencer receives</dt>
      <dd data-testid="fee-preview-net">{formatMoney({ amount: amount - fee, currency })}</dd>
    </dl>
  );
}
