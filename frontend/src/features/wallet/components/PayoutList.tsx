import { CursorPager } from '../../../components/Pagination';
import { EmptyState, ErrorMessage, Spinner } from '../../../components/QueryState';
import { StatusBadge } from '../../../components/StatusBadge';
import { useCursorPages } from '../../../components/use-cursor-pages';
import { formatDateTime } from '../../../lib/format';
import { formatMoney } from '../../../lib/money';
import { usePayouts } from '../api/get-payouts.api';

export function PayoutList() {
  const pages = useCursorPages();
  const query = usePayouts({ cursor: pages.cursor, limit: 20 });

  return (
    <section className="card" aria-labelledby="payouts-title">
      <h2 id="payouts-title">Payouts</h2>
      {query.isPending ? (
        <Spinner label="Loading payouts…" />
      ) : query.isError ? (
        <ErrorMessage error={query.error} onRetry={() => query.refetch()} />
      ) : query.data.data.length === 0 ? (
        <EmptyState>No payouts yet.</EmptyState>
      ) : (
        <ul className="list" data-testid="payout-list">
          {query.data.data.map((p) => (
            <li className="list-item" key={p.id} data-testid={`payout-${p.id}`}>
              <div className="list-main">
                <span className="list-title">{formatMoney(p)}</span>
                <span className="muted">
                  Requested {formatDateTime(p.requestedAt)}
                  {p.completedAt ? ` · completed ${formatDateTime(p.completedAt)}` : ''}
                </span>
                {p.status === 'FAILED' && (
                  <span className="field-error" data-testid={`payout-failure-${p.id}`}>
                    {p.failureMessage ?? 'The payout failed'}
                    {p.failureCode ? ` (${p.failureCode})` : ''} — the money is back in your wallet.
                  </span>
                )}
              </div>
              <div className="list-side">
                <StatusBadge kind="payout" status={p.status} testId="payout-status" />
              </div>
            </li>
          ))}
        </ul>
      )}
      <CursorPager
        hasPrevious={pages.hasPrevious}
        hasNext={!!query.data?.nextCursor}
        onPrevious={pages.previous}
        onNext={() => pages.next(query.data?.nextCursor)}
        loading={query.isFetching}
      />
    </section>
  );
}
