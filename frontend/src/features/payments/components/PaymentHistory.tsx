import { useState } from 'react';
import { Link } from 'react-router';
import { CursorPager } from '../../../components/Pagination';
import { EmptyState, ErrorMessage, Spinner } from '../../../components/QueryState';
import { StatusBadge } from '../../../components/StatusBadge';
import { useCursorPages } from '../../../components/use-cursor-pages';
import { formatDateTime } from '../../../lib/format';
import { statusLabel } from '../../../lib/labels';
import { formatMoney } from '../../../lib/money';
import type { PaymentStatus } from '../../../types/api';
import { usePayments } from '../api/get-payments.api';

const STATUSES: PaymentStatus[] = [
  'PENDING',
  'PROCESSING',
  'HELD',
  'PARTIALLY_RELEASED',
  'RELEASED',
  'PARTIALLY_REFUNDED',
  'REFUNDED',
  'FAILED',
  'CANCELED',
  'DISPUTED',
];

export function PaymentHistory() {
  const [status, setStatus] = useState('');
  const pages = useCursorPages();
  const query = usePayments({ status: status || undefined, cursor: pages.cursor, limit: 20 });

  return (
    <section aria-labelledby="payments-title">
      <header className="page-header">
        <h1 id="payments-title">Payment history</h1>
        <div className="field field-inline">
          <label htmlFor="payments-status">Status</label>
          <select
            id="payments-status"
            value={status}
            onChange={(e) => {
              setStatus(e.target.value);
              pages.reset();
            }}
          >
            <option value="">All</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {statusLabel('payment', s).label}
              </option>
            ))}
          </select>
        </div>
      </header>
      {query.isPending ? (
        <Spinner />
      ) : query.isError ? (
        <ErrorMessage error={query.error} onRetry={() => query.refetch()} />
      ) : query.data.data.length === 0 ? (
        <EmptyState>{status ? `No payments are “${statusLabel('payment', status).label}”.` : 'No payments yet.'}</EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table cards" data-testid="payments-table">
            <thead>
              <tr>
                <th scope="col">Date</th>
                <th scope="col">Amount</th>
                <th scope="col">Status</th>
                <th scope="col">Released</th>
                <th scope="col">Refunded</th>
                <th scope="col">Collaboration</th>
              </tr>
            </thead>
            <tbody>
              {query.data.data.map((p) => (
                <tr key={p.id} data-testid={`payment-row-${p.id}`}>
                  <td data-label="Date">{formatDateTime(p.createdAt)}</td>
                  <td data-label="Amount">{formatMoney(p)}</td>
                  <td data-label="Status">
                    <StatusBadge kind="payment" status={p.status} />
                  </td>
                  <td data-label="Released">{formatMoney({ amount: p.amountReleased ?? 0, currency: p.currency })}</td>
                  <td data-label="Refunded">{formatMoney({ amount: p.amountRefunded ?? 0, currency: p.currency })}</td>
                  <td data-label="Collaboration">
                    <Link to={`/collaborations/${p.collaborationId}`}>
                      View
                      <span className="sr-only">
                        {' '}
                        collaboration of {formatMoney(p)} from {formatDateTime(p.createdAt)}
                      </span>
                    </Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
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
