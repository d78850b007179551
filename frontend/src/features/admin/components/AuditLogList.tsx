import { CursorPager } from '../../../components/Pagination';
import { EmptyState, ErrorMessage, Spinner } from '../../../components/QueryState';
import { useCursorPages } from '../../../components/use-cursor-pages';
import { formatDateTime } from '../../../lib/format';
import { useAuditLog } from '../api/get-audit-log.api';

function summary(details: unknown): string {
  if (details === null || details === undefined) return '';
  const text = typeof details === 'string' ? details : JSON.stringify(details);
  return text.length > 160 ? `${text.slice(0, 157)}…` : text;
}

/** Every admin action (dispute resolution, clawback, webhook replay, job runs), newest first. */
export function AuditLogList() {
  const pages = useCursorPages();
  const query = useAuditLog({ cursor: pages.cursor, limit: 20 });
  return (
    <section className="card" aria-labelledby="audit-title">
      <h2 id="audit-title">Audit log</h2>
      {query.isPending ? (
        <Spinner label="Loading the audit log…" />
      ) : query.isError ? (
        <ErrorMessage error={query.error} onRetry={() => query.refetch()} />
      ) : query.data.data.length === 0 ? (
        <EmptyState>No admin actions yet.</EmptyState>
      ) : (
        <>
          <ul className="list" data-testid="audit-log">
            {query.data.data.map((e) => (
              <li className="list-item" key={e.id}>
                <div className="list-main">
                  <span className="list-title">{e.action}</span>
                  <span className="muted">
                    {e.targetType}
                    {e.targetId ? ` ${e.targetId}` : ''} · {formatDateTime(e.createdAt)}
                  </span>
                  {summary(e.details) && <code className="muted audit-details">{summary(e.details)}</code>}
                </div>
              </li>
            ))}
          </ul>
          <CursorPager
            hasPrevious={pages.hasPrevious}
            hasNext={!!query.data.nextCursor}
            onPrevious={pages.previous}
            onNext={() => pages.next(query.data.nextCursor)}
            loading={query.isFetching}
          />
        </>
      )}
    </section>
  );
}
