import { Link } from 'react-router';
import { CursorPager } from '../../../components/Pagination';
import { EmptyState, ErrorMessage, Spinner } from '../../../components/QueryState';
import { StatusBadge } from '../../../components/StatusBadge';
import { useCursorPages } from '../../../components/use-cursor-pages';
import { formatDate } from '../../../lib/format';
import { formatMoney } from '../../../lib/money';
import { useCollaborations } from '../api/get-collaborations.api';

export function CollaborationList({ emptyText }: { emptyText: string }) {
  const pages = useCursorPages();
  const query = useCollaborations({ cursor: pages.cursor, limit: 20 });

  if (query.isPending) return <Spinner label="Loading collaborations…" />;
  if (query.isError) return <ErrorMessage error={query.error} onRetry={() => query.refetch()} />;
  if (query.data.data.length === 0 && !pages.hasPrevious) return <EmptyState>{emptyText}</EmptyState>;

  return (
    <>
      <ul className="list" data-testid="collaboration-list">
        {query.data.data.map((c) => (
          <li key={c.id} className="list-item" data-testid={`collaboration-${c.id}`}>
            <div className="list-main">
              <Link to={`/collaborations/${c.id}`} className="list-title">
                {c.title}
              </Link>
              <span className="muted">
                {formatMoney(c)} · {formatDate(c.createdAt)}
                {c.companyName && c.influencerName ? ` · ${c.companyName} → ${c.influencerName}` : ''}
                {c.milestones && c.milestones.length > 0 ? ` · ${c.milestones.length} milestones` : ''}
              </span>
            </div>
            <div className="list-side">
              <StatusBadge kind="collaboration" status={c.status} />
              {c.payment && <StatusBadge status={c.payment.status} />}
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
  );
}
