import { Dialog } from '../../../components/Dialog';
import { FormError } from '../../../components/QueryState';
import { errorMessage } from '../../../lib/api-client';
import { formatMoney } from '../../../lib/money';
import { useIdempotencyKey } from '../../../lib/use-idempotency-key';
import type { Milestone } from '../../../types/api';
import { useReleasePayment } from '../api/release-payment.api';

interface ReleaseDialogProps {
  collaborationId: string;
  currency: string;
  /** Amount that will be released (the milestone's, or everything still held). */
  amount: number;
  milestone?: Milestone;
  onClose: () => void;
  onReleased?: () => void;
}

export function ReleaseDialog({ collaborationId, currency, amount, milestone, onClose, onReleased }: ReleaseDialogProps) {
  const mutation = useReleasePayment();
  const keyFor = useIdempotencyKey();

  const confirm = () => {
    const body = { collaborationId, milestoneId: milestone?.id };
    mutation.mutate(
      { ...body, idempotencyKey: keyFor(body) },
      {
        onSuccess: () => {
          onReleased?.();
          onClose();
        },
      },
    );
  };

  const what = milestone ? `the milestone “${milestone.title}”` : 'everything still held';
  return (
    <Dialog
      title={milestone ? 'Release milestone' : 'Release all funds'}
      onClose={onClose}
      description={
        <p>
          Release {what} ({formatMoney({ amount, currency })}) to the influencer? The platform fee is deducted and the rest goes to their wallet. This cannot be
          undone.
        </p>
      }
    >
      <FormError message={mutation.error ? errorMessage(mutation.error) : null} />
      <div className="dialog-actions">
        <button type="button" className="btn btn-secondary" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="btn btn-primary" onClick={confirm} disabled={mutation.isPending} data-autofocus>
          {mutation.isPending ? 'Releasing…' : 'Confirm release'}
        </button>
      </div>
    </Dialog>
  );
}
