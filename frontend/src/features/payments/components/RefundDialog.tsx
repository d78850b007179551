import { useRef, useState, type FormEvent } from 'react';
import { Dialog } from '../../../components/Dialog';
import { FormError } from '../../../components/QueryState';
import { errorMessage } from '../../../lib/api-client';
import { formatMoney, minorToMajorString, tryParseMajorToMinor } from '../../../lib/money';
import { useIdempotencyKey } from '../../../lib/use-idempotency-key';
import type { Payment } from '../../../types/api';
import { useRefundPayment } from '../api/refund-payment.api';

export function heldAmount(p: Pick<Payment, 'amount' | 'amountReleased' | 'amountRefunded' | 'amountHeld'>): number {
  if (typeof p.amountHeld === 'number') return p.amountHeld;
  return p.amount - (p.amountReleased ?? 0) - (p.amountRefunded ?? 0);
}

export function RefundDialog({ payment, onClose }: { payment: Payment; onClose: () => void }) {
  const held = heldAmount(payment);
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('requested_by_customer');
  const [fieldError, setFieldError] = useState<string | null>(null);
  const mutation = useRefundPayment();
  const keyFor = useIdempotencyKey();
  const running = useRef(false);
  const preview = amount.trim() ? tryParseMajorToMinor(amount, payment.currency) : { ok: true as const, value: held };
  const refundMinor = preview.ok && preview.value > 0 && preview.value <= held ? preview.value : null;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (running.current) return;
    let minor: number | undefined;
    if (amount.trim()) {
      const parsed = tryParseMajorToMinor(amount, payment.currency);
      if (!parsed.ok) return setFieldError(parsed.error);
      if (parsed.value <= 0) return setFieldError('Amount must be greater than zero');
      if (parsed.value > held) return setFieldError(`At most ${formatMoney({ amount: held, currency: payment.currency })} is still held`);
      minor = parsed.value;
    }
    setFieldError(null);
    const body = { paymentId: payment.id, amount: minor, reason };
    running.current = true;
    mutation.mutate(
      { ...body, idempotencyKey: keyFor(body) },
      {
        onSuccess: onClose,
        onSettled: () => {
          running.current = false;
        },
      },
    );
  };

  return (
    <Dialog
      title="Refund payment"
      onClose={onClose}
      description={<p>Only money still held can be refunded: {formatMoney({ amount: held, currency: payment.currency })}.</p>}
    >
      <form onSubmit={submit} noValidate className="form">
        <FormError message={mutation.error ? errorMessage(mutation.error) : null} />
        <div className="field">
          <label htmlFor="refund-amount">Amount ({payment.currency.toUpperCase()}, leave empty for all held funds)</label>
          <input
            id="refund-amount"
            inputMode="decimal"
            placeholder={minorToMajorString(held, payment.currency)}
            value={amount}
            onChange={(e) => setAmount(e.target.value)}
            aria-invalid={!!fieldError}
            aria-describedby={fieldError ? 'refund-amount-error' : undefined}
            data-autofocus
          />
          {fieldError && (
            <p id="refund-amount-error" className="field-error">
              {fieldError}
            </p>
          )}
        </div>
        <div className="field">
          <label htmlFor="refund-reason">Reason</label>
          <select id="refund-reason" value={reason} onChange={(e) => setReason(e.target.value)}>
            <option value="requested_by_customer">Requested by the company</option>
            <option value="duplicate">Duplicate</option>
            <option value="fraudulent">Fraudulent</option>
          </select>
        </div>
        {refundMinor !== null && (
          <dl className="breakdown" data-testid="confirm-breakdown">
            <div>
              <dt>Refund</dt>
              <dd data-testid="confirm-gross">{formatMoney({ amount: refundMinor, currency: payment.currency })}</dd>
            </div>
            <div>
              <dt>CollabPay fee kept</dt>
              <dd data-testid="confirm-fee">{formatMoney({ amount: 0, currency: payment.currency })}</dd>
            </div>
            <div className="breakdown-total">
              <dt>Company gets back</dt>
              <dd data-testid="confirm-net">{formatMoney({ amount: refundMinor, currency: payment.currency })}</dd>
            </div>
          </dl>
        )}
        <p className="muted small">
          The money goes back to the card or account it came from; banks take 5–10 days to show it. It is no longer held for the influencer.
        </p>
        <div className="dialog-actions">
          <button type="button" className="btn btn-secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-danger" disabled={mutation.isPending} data-testid="confirm-action">
            {mutation.isPending ? 'Refunding…' : 'Confirm refund'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
