import { ConfirmDialog } from '../../../components/ConfirmDialog';
import { useToast } from '../../../components/toast/toast-context';
import { formatMoney } from '../../../lib/money';
import { useIdempotencyKey } from '../../../lib/use-idempotency-key';
import type { Milestone } from '../../../types/api';
import { collaborationToastKey } from '../../realtime/hooks/realtime-messages';
import { useApproveMilestone } from '../api/milestone-actions.api';

/**
 * Approving releases the milestone's money to the influencer: the shared money confirmation states gross, fee and
 * exactly what the influencer nets; Cancel has the focus.
 */
export function ApproveMilestoneDialog(props: { collaborationId: string; milestone: Milestone; currency: string; fee: number; onClose: () => void }) {
  const { collaborationId, milestone, currency, fee, onClose } = props;
  const mutation = useApproveMilestone();
  const keyFor = useIdempotencyKey();
  const toast = useToast();
  const money = (amount: number) => formatMoney({ amount, currency });
  const net = milestone.amount - fee;
  return (
    <ConfirmDialog
      title="Approve milestone"
      breakdown={{ currency, gross: milestone.amount, fee, net, grossLabel: 'Released from escrow' }}
      confirmLabel={`Approve and release ${money(milestone.amount)}`}
      pendingLabel="Approving…"
      onClose={onClose}
      onConfirm={async () => {
        const body = { collaborationId, milestoneId: milestone.id };
        await mutation.mutateAsync({ ...body, idempotencyKey: keyFor(body) });
        toast.push({
          tone: 'success',
          title: 'Milestone approved',
          message: `${money(net)} released to the influencer.`,
          key: collaborationToastKey(collaborationId, 'RELEASED', milestone.id),
        });
      }}
    >
      <p data-testid="approve-summary">
        Approving “{milestone.title}” releases {money(milestone.amount)} from escrow: the influencer receives <strong>{money(net)}</strong> ({money(fee)}{' '}
        platform fee). This cannot be undone.
      </p>
    </ConfirmDialog>
  );
}
