import { EmptyState, ErrorMessage, FormError, Spinner } from '../../../components/QueryState';
import { StatusBadge } from '../../../components/StatusBadge';
import { useToast } from '../../../components/toast/toast-context';
import { errorMessage } from '../../../lib/api-client';
import { formatDateTime } from '../../../lib/format';
import { useReplayWebhookEvent } from '../api/replay-webhook-event.api';
import { useWebhookEvents } from '../api/get-webhook-events.api';

export function FailedWebhookEvents() {
  const query = useWebhookEvents('failed');
  const replay = useReplayWebhookEvent();
  const toast = useToast();

  return (
    <section className="card" aria-labelledby="webhooks-title">
      <div className="section-header">
        <h2 id="webhooks-title">Failed webhook events</h2>
        <button type="button" className="btn btn-secondary btn-small" onClick={() => query.refetch()} disabled={query.isFetching}>
          Refresh
        </button>
      </div>
      <FormError message={replay.error ? errorMessage(replay.error) : null} />
      {query.isPending ? (
        <Spinner />
      ) : query.isError ? (
        <ErrorMessage error={query.error} onRetry={() => query.refetch()} />
      ) : query.data.length === 0 ? (
        <EmptyState>No failed webhook events.</EmptyState>
      ) : (
        <ul className="list" data-testid="failed-webhook-events">
          {query.data.map((e) => (
            <li className="list-item" key={e.id}>
              <div className="list-main">
                <span className="list-title">{e.type ?? e.eventType ?? 'event'}</span>
                <span className="muted">
                  <code>{e.stripeEventId ?? e.eventId ?? e.id}</code> · {formatDateTime(e.receivedAt ?? e.createdAt)}
                  {typeof e.attempts === 'number' ? ` · ${e.attempts} attempt(s)` : ''}
                </span>
                {(e.lastError ?? e.error) && <span className="field-error">{e.lastError ?? e.error}</span>}
              </div>
              <div className="list-side">
                {e.status && <StatusBadge status={e.status.toUpperCase()} />}
                <button
                  type="button"
                  className="btn btn-primary btn-small"
                  disabled={replay.isPending && replay.variables === e.id}
                  onClick={() => replay.mutate(e.id, { onSuccess: () => toast.push({ tone: 'success', title: 'Event re-queued', message: e.type }) })}
                >
                  Replay
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
