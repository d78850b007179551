import { useState, type FormEvent } from 'react';
import { FormError } from '../../../components/QueryState';
import { useToast } from '../../../components/toast/toast-context';
import { errorMessage } from '../../../lib/api-client';
import type { Milestone } from '../../../types/api';
import { collaborationToastKey } from '../../realtime/hooks/realtime-messages';
import { useSubmitMilestone } from '../api/milestone-actions.api';
import { parseLinks } from './milestone-words';

/** The influencer hands in a milestone: a note (what was delivered) and links to the work. */
export function SubmitMilestoneForm({ collaborationId, milestone, onDone }: { collaborationId: string; milestone: Milestone; onDone?: () => void }) {
  const [note, setNote] = useState('');
  const [linksText, setLinksText] = useState('');
  const [errors, setErrors] = useState<{ note?: string; links?: string }>({});
  const mutation = useSubmitMilestone();
  const toast = useToast();
  const id = `submit-${milestone.id}`;
  const resubmit = milestone.status === 'CHANGES_REQUESTED';

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const found: typeof errors = {};
    const trimmed = note.trim();
    if (!trimmed) found.note = 'Describe what you delivered';
    else if (trimmed.length > 5000) found.note = 'At most 5000 characters';
    const parsed = parseLinks(linksText);
    if (parsed.error) found.links = parsed.error;
    setErrors(found);
    if (found.note || found.links) {
      document.getElementById(found.note ? `${id}-note` : `${id}-links`)?.focus();
      return;
    }
    mutation.mutate(
      { collaborationId, milestoneId: milestone.id, note: trimmed, links: parsed.links },
      {
        onSuccess: () => {
          toast.push({
            tone: 'success',
            title: 'Work submitted',
            message: `${milestone.title}: the company has been told.`,
            key: collaborationToastKey(collaborationId, 'SUBMITTED', milestone.id),
          });
          setNote('');
          setLinksText('');
          onDone?.();
        },
      },
    );
  };

  return (
    <form className="form subform" onSubmit={submit} noValidate aria-label={`${resubmit ? 'Resubmit' : 'Submit'} ${milestone.title}`}>
      <FormError message={mutation.error ? errorMessage(mutation.error) : null} />
      <div className="field">
        <label htmlFor={`${id}-note`}>What you delivered</label>
        <textarea
          id={`${id}-note`}
          rows={3}
          value={note}
          onChange={(e) => setNote(e.target.value)}
          aria-invalid={!!errors.note}
          aria-describedby={errors.note ? `${id}-note-error` : undefined}
        />
        {errors.note && (
          <p id={`${id}-note-error`} className="field-error">
            {errors.note}
          </p>
        )}
      </div>
      <div className="field">
        <label htmlFor={`${id}-links`}>Links (optional, one per line)</label>
        <textarea
          id={`${id}-links`}
          rows={2}
          value={linksText}
          placeholder="https://"
          onChange={(e) => setLinksText(e.target.value)}
          aria-invalid={!!errors.links}
          aria-describedby={errors.links ? `${id}-links-error` : `${id}-links-hint`}
        />
        {errors.links ? (
          <p id={`${id}-links-error`} className="field-error">
            {errors.links}
          </p>
        ) : (
          <p id={`${id}-links-hint`} className="hint">
            Up to 10 web addresses (https://…).
          </p>
        )}
      </div>
      <button type="submit" className="btn btn-primary" disabled={mutation.isPending}>
        {mutation.isPending ? 'Submitting…' : resubmit ? 'Resubmit work' : 'Submit work'}
      </button>
    </form>
  );
}
