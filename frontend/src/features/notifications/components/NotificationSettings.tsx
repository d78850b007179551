import { ErrorMessage, FormError, Spinner } from '../../../components/QueryState';
import { errorMessage } from '../../../lib/api-client';
import { useNotificationPreferences, useUpdateNotificationPreferences } from '../api/preferences.api';

/** One switch per email kind; each change is saved at once (the link at the bottom of every email leads here). */
export function NotificationSettings() {
  const prefs = useNotificationPreferences();
  const update = useUpdateNotificationPreferences();
  if (prefs.isPending) return <Spinner label="Loading your settings…" />;
  if (prefs.isError) return <ErrorMessage error={prefs.error} onRetry={() => prefs.refetch()} />;
  const { kinds, email, emailEnabled } = prefs.data;
  return (
    <section className="card" aria-labelledby="email-settings-title">
      <h2 id="email-settings-title">Emails</h2>
      {!emailEnabled && <p className="alert alert-info">This server sends no email (no SMTP server is configured); your choices apply once it does.</p>}
      <FormError message={update.error ? errorMessage(update.error) : null} />
      <fieldset className="check-fields" disabled={update.isPending}>
        <legend className="muted">Send me an email when…</legend>
        {kinds.map((k) => (
          <div key={k.kind} className="check-field">
            <input id={`email-${k.kind}`} type="checkbox" checked={email[k.kind] !== false} onChange={(e) => update.mutate({ [k.kind]: e.target.checked })} />
            <label htmlFor={`email-${k.kind}`}>{k.label}</label>
          </div>
        ))}
      </fieldset>
      <p className="hint" aria-live="polite">
        {update.isPending ? 'Saving…' : update.isSuccess ? 'Saved.' : 'Changes are saved as you make them.'}
      </p>
    </section>
  );
}
