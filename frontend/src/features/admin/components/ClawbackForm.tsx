import { useState, type FormEvent } from 'react';
import { ConfirmDialog } from '../../../components/ConfirmDialog';
import { Spinner } from '../../../components/QueryState';
import { TextField } from '../../../components/TextField';
import { useToast } from '../../../components/toast/toast-context';
import { errorMessage } from '../../../lib/api-client';
import { statusLabel } from '../../../lib/labels';
import { formatMoney, tryParseMajorToMinor } from '../../../lib/money';
import { useIdempotencyKey } from '../../../lib/use-idempotency-key';
import { usePayment } from '../../payments/api/get-payment.api';
import { useClawback } from '../api/clawback.api';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What can still be clawed back: released and not yet recovered. */
export function clawbackable(p: { amountReleased: number; amountClawedBack?: number }): number {
  return Math.max(0, p.amountReleased - (p.amountClawedBack ?? 0));
}

export function validateClawback(input: { amount: string; reason: string }, max: number, currency: string) {
  const errors: { amount?: string; reason?: string } = {};
  const parsed = tryParseMajorToMinor(input.amount, currency);
  if (!parsed.ok) errors.amount = parsed.error;
  else if (parsed.value <= 0) errors.amount = 'Must be greater than zero';
  else if (parsed.value > max) errors.amount = `At most ${formatMoney({ amount: max, currency })} (released and not yet clawed back)`;
  const reason = input.reason.trim();
  if (!reason) errors.reason = 'Give a reason (it is recorded in the audit log)';
  else if (reason.length > 500) errors.reason = 'At most 500 characters';
  return errors.amount || errors.reason || !parsed.ok ? { errors } : { errors, value: { amount: parsed.value, reason } };
}

interface Confirming {
  paymentId: string;
  currency: string;
  amount: number;
  reason: string;
}

/** Admin: claw back released money on a payment (refund to the company, recovered from the influencer's wallet). */
export function ClawbackForm() {
  const [paymentId, setPaymentId] = useState('');
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<{ amount?: string; reason?: string }>({});
  const id = paymentId.trim();
  const payment = usePayment(UUID_RE.test(id) ? id : undefined);
  const mutation = useClawback();
  const keyFor = useIdempotencyKey();
  const toast = useToast();
  const [confirming, setConfirming] = useState<Confirming | null>(null);
  const p = payment.data as (typeof payment.data & { amountClawedBack?: number }) | undefined;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!p) return;
    const { errors: found, value } = validateClawback({ amount, reason }, clawbackable(p), p.currency);
    setErrors(found);
    if (!value) {
      document.getElementById(found.amount ? 'clawback-amount' : 'clawback-reason')?.focus();
      return;
    }
    // moving money: the shared confirmation states the amount and what happens next before anything happens
    setConfirming({ paymentId: p.id, currency: p.currency, ...value });
  };

  const clawBack = async ({ currency, ...body }: Confirming) => {
    await mutation.mutateAsync({ ...body, idempotencyKey: keyFor(body) });
    toast.push({
      tone: 'success',
      title: 'Clawed back',
      message: `${formatMoney({ amount: body.amount, currency })} refunded to the company.`,
    });
    setAmount('');
    setReason('');
  };

  return (
    <form className="card form" onSubmit={submit} noValidate aria-labelledby="clawback-title">
      <h2 id="clawback-title">Claw back a payment</h2>
      <p className="hint">
        Refunds released money to the company and recovers it from the influencer: their available balance first, the rest becomes money they owe.
      </p>
      <TextField
        id="clawback-payment"
        label="Payment id"
        value={paymentId}
        onChange={(e) => setPaymentId(e.target.value)}
        autoComplete="off"
        spellCheck={false}
        error={id && !UUID_RE.test(id) ? 'A payment id is a UUID' : payment.isError ? errorMessage(payment.error) : null}
      />
      {payment.isFetching && !p && <Spinner label="Looking up the payment…" />}
      {p && (
        <>
          <p data-testid="clawback-payment-summary">
            {formatMoney(p)} · {statusLabel('payment', p.status).label} · released {formatMoney({ amount: p.amountReleased, currency: p.currency })} · can claw
            back <strong>{formatMoney({ amount: clawbackable(p), currency: p.currency })}</strong>
          </p>
          <TextField id="clawback-amount" label="Amount" inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} error={errors.amount} />
          <TextField id="clawback-reason" label="Reason" value={reason} onChange={(e) => setReason(e.target.value)} error={errors.reason} />
          <button type="submit" className="btn btn-danger" disabled={mutation.isPending || clawbackable(p) === 0}>
            {mutation.isPending ? 'Clawing back…' : 'Claw back'}
          </button>
        </>
      )}
      {confirming && (
        <ConfirmDialog
          title="Claw back payment"
          confirmLabel={`Claw back ${formatMoney({ amount: confirming.amount, currency: confirming.currency })}`}
          pendingLabel="Clawing back…"
          destructive
          onClose={() => setConfirming(null)}
          onConfirm={() => clawBack(confirming)}
          testId="clawback-confirm"
        >
          <p data-testid="clawback-confirm-summary">
            {formatMoney({ amount: confirming.amount, currency: confirming.currency })} is refunded to the company&apos;s card and recovered from the
            influencer: their available balance first, the rest becomes money they owe. The reason is recorded in the audit log. This cannot be undone.
          </p>
        </ConfirmDialog>
      )}
    </form>
  );
}
