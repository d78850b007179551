import { useRef, useState, type ReactNode } from 'react';
import { errorMessage } from '../lib/api-client';
import { formatMoney } from '../lib/money';
import { Dialog } from './Dialog';
import { FormError } from './QueryState';

export interface MoneyBreakdown {
  currency: string;
  /** What is charged / moved in total. */
  gross: number;
  /** CollabPay's fee (0 when none applies). */
  fee: number;
  /** What the receiving side ends up with. */
  net: number;
  grossLabel?: string;
  feeLabel?: string;
  netLabel?: string;
}

interface ConfirmDialogProps {
  title: string;
  /** What happens when the person confirms, in plain words. */
  children?: ReactNode;
  breakdown?: MoneyBreakdown;
  /** E.g. "Pay $1,500.00". */
  confirmLabel: string;
  /** Shown on the confirm button while the action runs, e.g. "Paying…". */
  pendingLabel?: string;
  /** Refunds, voids, removals: the confirm button is red. */
  destructive?: boolean;
  /** Runs the action; the dialog closes when it resolves and shows the error (in people's words) when it rejects. */
  onConfirm: () => Promise<unknown>;
  onClose: () => void;
  /** Extra content between the text and the buttons (e.g. a card picker). */
  extra?: ReactNode;
  testId?: string;
}

/**
 * Confirmation for every money action: states gross, fee and net and what happens next; Cancel has the initial
 * focus (a stray Enter never charges, releases or removes anything); Tab stays inside, Escape cancels; the action
 * runs at most once however fast the button is clicked (a ref, not only React state, guards it).
 */
export function ConfirmDialog({
  title,
  children,
  breakdown,
  confirmLabel,
  pendingLabel = 'Working…',
  destructive,
  onConfirm,
  onClose,
  extra,
  testId = 'confirm-dialog',
}: ConfirmDialogProps) {
  const running = useRef(false);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const confirm = async () => {
    if (running.current) return;
    running.current = true;
    setPending(true);
    setError(null);
    try {
      await onConfirm();
      onClose();
    } catch (e) {
      // The action did not happen: allow another attempt (the caller keeps the same Idempotency-Key per body).
      running.current = false;
      setPending(false);
      setError(e);
    }
  };
  const close = () => {
    if (!running.current) onClose();
  };
  const money = (amount: number) => (breakdown ? formatMoney({ amount, currency: breakdown.currency }) : '');

  return (
    <Dialog title={title} onClose={close} description={children}>
      <div data-testid={testId}>
        {breakdown && (
          <dl className="breakdown" data-testid="confirm-breakdown">
            <div>
              <dt>{breakdown.grossLabel ?? 'Amount'}</dt>
              <dd data-testid="confirm-gross">{money(breakdown.gross)}</dd>
            </div>
            <div>
              <dt>{breakdown.feeLabel ?? 'CollabPay fee'}</dt>
              <dd data-testid="confirm-fee">{breakdown.fee > 0 ? `− ${money(breakdown.fee)}` : money(0)}</dd>
            </div>
            <div className="breakdown-total">
              <dt>{breakdown.netLabel ?? 'Influencer receives'}</dt>
              <dd data-testid="confirm-net">{money(breakdown.net)}</dd>
            </div>
          </dl>
        )}
        {extra}
        <FormError message={error ? errorMessage(error) : null} />
        <div className="dialog-actions">
          <button type="button" className="btn btn-secondary" onClick={close} disabled={pending} data-autofocus>
            Cancel
          </button>
          <button
            type="button"
            className={destructive ? 'btn btn-danger' : 'btn btn-primary'}
            onClick={() => void confirm()}
            aria-disabled={pending}
            disabled={pending}
            data-testid="confirm-action"
          >
            {pending ? pendingLabel : confirmLabel}
          </button>
        </div>
      </div>
    </Dialog>
  );
}
