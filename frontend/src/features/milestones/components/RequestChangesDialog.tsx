import { useState, type FormEvent } from 'react';
import { Dialog } from '../../../components/Dialog';
import { FormError } from '../../../components/QueryState';
import { useToast } from '../../../components/toast/toast-context';
import { errorMessage } from '../../../lib/api-client';
import type { Milestone } from '../../../types/api';
import { collaborationToastKey } from '../../realtime/hooks/realtime-messages';
import { useRequestChanges } from '../api/milestone-actions.api';

/** The company asks for changes to a submission (a note); rounds are limited. */
export function RequestChangesDialog(props: { collaborationId: string; milestone: Milestone; roundsLeft: number; onClose: () => void }) {
  const { collaborationId, milestone, roundsLeft, onClose } = props;
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const mutation = useRequestChanges();
  const toast = useToast();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const trimmed = note.trim();
    if (!trimmed) return setError('Say what should change');
    if (trimmed.length > 5000) return setError('At most 5000 characters');
    setError(null);
    mutation.mutate(
      { collaborationId, milestoneId: milestone.id, note: trimmed },
      {
        onSuccess: () => {
          toast.push({
            tone: 'info',
            title: 'Changes requested',
            message: `${milestone.title}: the influencer has been told.`,
            key: collaborationToastKey(collaborationId, 'CHANGES_REQUESTED', milestone.id),
          });
          onClose();
        },
      },
    );
  };
  return (
    <Dialog
      title="Request changes"
      onClose={onClose}
      description={
        <p>
          The review clock stops until the influencer resubmits. {roundsLeft} round{roundsLeft === 1 ? '' : 's'} of changes left for “{milestone.title}”
          {roundsLeft === 1 ? ' (this is the last one)' : ''}.
        </p>
      }
    >
      <form className="form" onSubmit={submit} noValidate>
        <FormError message={mutation.error ? errorMessage(mutation.error) : null} />
        <div className="field">
          <label htmlFor="changes-note">What should change</label>
          <textarea
            id="changes-note"
            rows={4}
            value={note}
            data-autofocus
            onChange={(e) => setNote(e.target.value)}
            aria-invalid={!!error}
            aria-describedby={error ? 'changes-note-error' : undefined}
          />
          {error && (
            <p id="changes-note-error" className="field-error">
              {error}
            </p>
          )}
        </div>
        <div className="dialog-actions">
          <button type="button" className="btn btn-secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={mutation.isPending}>
            {mutation.isPending ? 'Sending…' : 'Send change request'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
