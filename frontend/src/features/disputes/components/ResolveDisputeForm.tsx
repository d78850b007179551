import { useState, type FormEvent } from 'react';
import { ConfirmDialog } from '../../../components/ConfirmDialog';
import { FormError } from '../../../components/QueryState';
import { TextField } from '../../../components/TextField';
import { useToast } from '../../../components/toast/toast-context';
import { errorMessage } from '../../../lib/api-client';
import { formatMoney, minorToMajorString, tryParseMajorToMinor } from '../../../lib/money';
import { useIdempotencyKey } from '../../../lib/use-idempotency-key';
import { useResolveDispute } from '../api/dispute-actions.api';
import type { Dispute } from '../api/types';
import { validateSplit, type SplitErrors } from './split-validation';

/** Admin: resolve with an exact split of the frozen amount (release to the influencer + refund to the company). */
export function ResolveDisputeForm({ dispute }: { dispute: Dispute }) {
  const { amount, currency } = dispute;
  const [release, setRelease] = useState('');
  const [refund, setRefund] = useState('');
  const [note, setNote] = useState('');
  const [errors, setErrors] = useState<SplitErrors>({});
  const [confirming, setConfirming] = useState<{ releaseAmount: number; refundAmount: number; note: string } | null>(null);
  const mutation = useResolveDispute();
  const keyFor = useIdempotencyKey();
  const toast = useToast();
  const money = (a: number) => formatMoney({ amount: a, currency });

  const r = tryParseMajorToMinor(release, currency);
  const f = tryParseMajorToMinor(refund, currency);
  const assigned = (r.ok ? r.value : 0) + (f.ok ? f.value : 0);

  const fillRest = (which: 'release' | 'refund') => {
    const other = which === 'release' ? f : r;
    const rest = amount - (other.ok ? other.value : 0);
    if (rest < 0) return;
    (which === 'release' ? setRelease : setRefund)(minorToMajorString(rest, currency));
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const { errors: found, value } = validateSplit({ release, refund, note }, amount, currency);
    setErrors(found);
    if (!value) {
      const first = found.release ? 'resolve-release' : found.refund ? 'resolve-refund' : found.sum ? 'resolve-sum' : 'resolve-note';
      document.getElementById(first)?.focus();
      return;
    }
    // moving money: the shared confirmation states the split before anything happens
    setConfirming(value);
  };

  const resolve = async (value: { releaseAmount: number; refundAmount: number; note: string }) => {
    const body = { disputeId: dispute.id, ...value };
    await mutation.mutateAsync({ ...body, idempotencyKey: keyFor(body) });
    toast.push({ tone: 'success', title: 'Dispute resolved', message: `${money(value.releaseAmount)} released, ${money(value.refundAmount)} refunded.` });
  };

  return (
    <form className="card form" onSubmit={submit} noValidate aria-labelledby="resolve-title">
      <h2 id="resolve-title">Resolve</h2>
      <p className="hint">
        Split the frozen {money(amount)}: what is released goes to the influencer&apos;s wallet (less its share of the platform fee), what is refunded goes back
        to the company&apos;s card.
      </p>
      <FormError message={mutation.error ? errorMessage(mutation.error) : null} />
      <div className="field-row">
        <TextField
          id="resolve-release"
          label="Release to the influencer"
          inputMode="decimal"
          value={release}
          onChange={(e) => setRelease(e.target.value)}
          error={errors.release}
        />
        <button type="button" className="btn btn-secondary btn-small" onClick={() => fillRest('release')}>
          Rest to influencer
        </button>
      </div>
      <div className="field-row">
        <TextField
          id="resolve-refund"
          label="Refund to the company"
          inputMode="decimal"
          value={refund}
          onChange={(e) => setRefund(e.target.value)}
          error={errors.refund}
        />
        <button type="button" className="btn btn-secondary btn-small" onClick={() => fillRest('refund')}>
          Rest to company
        </button>
      </div>
      <p className="hint" aria-live="polite" data-testid="resolve-total">
        Assigned {money(assigned)} of {money(amount)}
      </p>
      {errors.sum && (
        <p id="resolve-sum" className="field-error" role="alert" tabIndex={-1}>
          {errors.sum}
        </p>
      )}
      <div className="field">
        <label htmlFor="resolve-note">Decision (both parties see it)</label>
        <textarea
          id="resolve-note"
          rows={3}
          value={note}
          onChange={(e) => setNote(e.target.value)}
          aria-invalid={!!errors.note}
          aria-describedby={errors.note ? 'resolve-note-error' : undefined}
        />
        {errors.note && (
          <p id="resolve-note-error" className="field-error">
            {errors.note}
          </p>
        )}
      </div>
      <button type="submit" className="btn btn-primary" disabled={mutation.isPending}>
        {mutation.isPending ? 'Resolving…' : 'Resolve dispute'}
      </button>
      {confirming && (
        <ConfirmDialog
          title="Resolve dispute"
          confirmLabel={`Release ${money(confirming.releaseAmount)}, refund ${money(confirming.refundAmount)}`}
          pendingLabel="Resolving…"
          onClose={() => setConfirming(null)}
          onConfirm={() => resolve(confirming)}
        >
          <p data-testid="resolve-summary">
            {money(confirming.releaseAmount)} goes to the influencer&apos;s wallet, less its share of the platform fee; {money(confirming.refundAmount)} goes
            back to the company&apos;s card. Both parties see your decision. This cannot be undone.
          </p>
        </ConfirmDialog>
      )}
    </form>
  );
}
