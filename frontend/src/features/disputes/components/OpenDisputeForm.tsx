import { useState, type FormEvent } from 'react';
import { FormError } from '../../../components/QueryState';
import { errorMessage } from '../../../lib/api-client';
import { formatMoney } from '../../../lib/money';
import type { Collaboration } from '../../../types/api';
import { useOpenDispute } from '../api/dispute-actions.api';
import { REASONS, type Dispute, type DisputeReason } from '../api/types';

const OPEN_TO_DISPUTE = ['PENDING', 'SUBMITTED', 'CHANGES_REQUESTED'];

/** Either party opens a dispute on one milestone or on everything still held; that money is frozen meanwhile. */
export function OpenDisputeForm({
  collaboration: c,
  onOpened,
  onCancel,
}: {
  collaboration: Collaboration;
  onOpened: (d: Dispute) => void;
  onCancel: () => void;
}) {
  const [milestoneId, setMilestoneId] = useState('');
  const [reason, setReason] = useState<DisputeReason | ''>('');
  const [details, setDetails] = useState('');
  const [errors, setErrors] = useState<{ reason?: string; details?: string }>({});
  const mutation = useOpenDispute();
  const milestones = (c.milestones ?? []).filter((m) => OPEN_TO_DISPUTE.includes(m.status ?? 'PENDING'));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const found: typeof errors = {};
    if (!reason) found.reason = 'Choose a reason';
    const text = details.trim();
    if (!text) found.details = 'Explain what went wrong';
    else if (text.length > 5000) found.details = 'At most 5000 characters';
    setErrors(found);
    if (found.reason || found.details || !reason) {
      document.getElementById(found.reason ? 'dispute-reason' : 'dispute-details')?.focus();
      return;
    }
    mutation.mutate({ collaborationId: c.id, reason, details: text, ...(milestoneId ? { milestoneId } : {}) }, { onSuccess: onOpened });
  };

  return (
    <form className="form subform" onSubmit={submit} noValidate aria-labelledby="open-dispute-title">
      <h3 id="open-dispute-title">Open a dispute</h3>
      <p className="hint">The money in dispute is frozen (no release, approval, automatic release or refund) until it is withdrawn or an admin resolves it.</p>
      <FormError message={mutation.error ? errorMessage(mutation.error) : null} />
      <div className="field">
        <label htmlFor="dispute-scope">What is in dispute</label>
        <select id="dispute-scope" value={milestoneId} onChange={(e) => setMilestoneId(e.target.value)}>
          <option value="">Everything still held</option>
          {milestones.map((m) => (
            <option key={m.id} value={m.id}>
              {m.title} ({formatMoney({ amount: m.amount, currency: c.currency })})
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="dispute-reason">Reason</label>
        <select
          id="dispute-reason"
          value={reason}
          onChange={(e) => setReason(e.target.value as DisputeReason)}
          aria-invalid={!!errors.reason}
          aria-describedby={errors.reason ? 'dispute-reason-error' : undefined}
        >
          <option value="">Choose…</option>
          {REASONS.map((r) => (
            <option key={r.value} value={r.value}>
              {r.label}
            </option>
          ))}
        </select>
        {errors.reason && (
          <p id="dispute-reason-error" className="field-error">
            {errors.reason}
          </p>
        )}
      </div>
      <div className="field">
        <label htmlFor="dispute-details">Details</label>
        <textarea
          id="dispute-details"
          rows={4}
          value={details}
          onChange={(e) => setDetails(e.target.value)}
          aria-invalid={!!errors.details}
          aria-describedby={errors.details ? 'dispute-details-error' : undefined}
        />
        {errors.details && (
          <p id="dispute-details-error" className="field-error">
            {errors.details}
          </p>
        )}
      </div>
      <div className="actions">
        <button type="submit" className="btn btn-danger" disabled={mutation.isPending}>
          {mutation.isPending ? 'Opening…' : 'Open dispute'}
        </button>
        <button type="button" className="btn btn-secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
