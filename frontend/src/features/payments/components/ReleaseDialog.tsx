import { ConfirmDialog } from '../../../components/ConfirmDialog';
import { formatMoney } from '../../../lib/money';
import { useIdempotencyKey } from '../../../lib/use-idempotency-key';
import type { Milestone } from '../../../types/api';
import { useCollaborationPayment } from '../api/get-collaboration-payment.api';
import { useReleasePayment } from '../api/release-payment.api';
import { breakdownOf } from '../fees';

interface ReleaseDialogProps {
  collaborationId: string;
  currency: string;
  /** Amount that will be released (the milestone's, or everything still held). */
  amount: number;
  milestone?: Milestone;
  onClose: () => void;
  onReleased?: () => void;
}

/** Release to the influencer: gross, CollabPay's fee and what the influencer nets; Cancel has the focus. */
export function ReleaseDialog({ collaborationId, currency, amount, milestone, onClose, onReleased }: ReleaseDialogProps) {
  const mutation = useReleasePayment();
  const payment = useCollaborationPayment(collaborationId);
  const keyFor = useIdempotencyKey();
  const breakdown = breakdownOf(payment.data ? { ...payment.data, currency } : null, amount);
  const what = milestone ? `the milestone “${milestone.title}”` : 'everything still held';

  return (
    <ConfirmDialog
      title={milestone ? 'Release milestone' : 'Release all funds'}
      breakdown={breakdown ?? undefined}
      confirmLabel={`Release ${formatMoney({ amount, currency })}`}
      pendingLabel="Releasing…"
      onClose={onClose}
      onConfirm={async () => {
        const body = { collaborationId, milestoneId: milestone?.id };
        await mutation.mutateAsync({ ...body, idempotencyKey: keyFor(body) });
        onReleased?.();
      }}
    >
      <p>
        Release {what} to the influencer.{' '}
        {breakdown
          ? `They receive ${formatMoney({ amount: breakdown.net, currency })} in their wallet`
          : 'The fee is deducted and the rest goes to their wallet'}{' '}
        right away and can pay it out to their bank once Stripe makes it available. This cannot be undone.
      </p>
    </ConfirmDialog>
  );
}
