import { Link } from 'react-router';
import { EmptyState, ErrorMessage, Spinner } from '../../../components/QueryState';
import { formatDateTime } from '../../../lib/format';
import { formatMoney } from '../../../lib/money';
import { useDisputes } from '../api/get-disputes.api';
import { reasonLabel } from '../api/types';

/** Admin: the open disputes waiting for mediation, oldest concerns first as the server orders them. */
export function AdminDisputeQueue() {
  const query = useDisputes({ status: 'OPEN', limit: 50 }, { refetchInterval: 15_000 });
  return (
    <section className="card" aria-labelledby="dispute-queue-title">
      <h2 id="dispute-queue-title">Open disputes</h2>
      {query.isPending ? (
        <Spinner label="Loading disputes…" />
      ) : query.isError ? (
        <ErrorMessage error={query.error} onRetry={() => query.refetch()} />
      ) : query.data.data.length === 0 ? (
        <EmptyState>No open disputes.</EmptyState>
      ) : (
        <ul className="list" data-testid="dispute-queue">
          {query.data.data.map((d) => (
            <li className="list-item" key={d.id} data-testid={`dispute-${d.id}`}>
              <div className="list-main">
                <Link to={`/disputes/${d.id}`} className="list-title">
                  {reasonLabel(d.reason)}
                </Link>
                <span className="muted">
                  {formatMoney(d)} frozen · opened {formatDateTime(d.createdAt)} · {d.messages.length} message{d.messages.length === 1 ? '' : 's'}
                </span>
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
