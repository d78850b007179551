import { Dialog } from '../../../components/Dialog';
import { FormError } from '../../../components/QueryState';
import { useToast } from '../../../components/toast/toast-context';
import { errorMessage } from '../../../lib/api-client';
import { formatMoney } from '../../../lib/money';
import { useIdempotencyKey } from '../../../lib/use-idempotency-key';
import type { Milestone } from '../../../types/api';
import { collaborationToastKey } from '../../realtime/hooks/realtime-messages';
import { useApproveMilestone } from '../api/milestone-actions.api';

/** Approving releases the milestone's money to the influencer: the dialog says exactly what they net. */
export function ApproveMilestoneDialog(props: { collaborationId: string; milestone: Milestone; currency: string; fee: number; onClose: () => void }) {
  const { collaborationId, milestone, currency, fee, onClose } = props;
  const mutation = useApproveMilestone();
  const keyFor = useIdempotencyKey();
  const toast = useToast();
  const money = (amount: number) => formatMoney({ amount, currency });
  const approve = () => {
    const body = { collaborationId, milestoneId: milestone.id };
    mutation.mutate(
      { ...body, idempotencyKey: keyFor(body) },
      {
        onSuccess: () => {
          toast.push({
            tone: 'success',
            title: 'Milestone approved',
            message: `${money(milestone.amount - fee)} released to the influencer.`,
            key: collaborationToastKey(collaborationId, 'RELEASED', milestone.id),
          });
          onClose();
        },
      },
    );
  };
  return (
    <Dialog
      title="Approve milestone"
      onClose={onClose}
      description={
        <p data-testid="approve-summary">
          Approving “{milestone.title}” releases {money(milestone.amount)} from escrow: the influencer receives <strong>{money(milestone.amount - fee)}</strong>{' '}
          ({money(fee)} platform fee). This cannot be undone.
        </p>
      }
    >
      <FormError message={mutation.error ? errorMessage(mutation.error) : null} />
      <div className="dialog-actions">
        <button type="button" className="btn btn-secondary" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="btn btn-primary" data-autofocus disabled={mutation.isPending} onClick={approve}>
          {mutation.isPending ? 'Approving…' : `Approve and release ${money(milestone.amount)}`}
        </button>
      </div>
    </Dialog>
  );
}
