import { useState } from 'react';
import { CursorPager } from '../../../components/Pagination';
import { EmptyState, ErrorMessage, FormError, Spinner } from '../../../components/QueryState';
import { useCursorPages } from '../../../components/use-cursor-pages';
import { errorMessage } from '../../../lib/api-client';
import { formatDateTime } from '../../../lib/format';
import { formatMoney } from '../../../lib/money';
import { useDownloadTransactionsCsv } from '../api/download-transactions-csv.api';
import { useWalletTransactions } from '../api/get-wallet-transactions.api';

export function TransactionHistory({ currencies }: { currencies: string[] }) {
  const [currency, setCurrency] = useState('');
  const [type, setType] = useState<'' | 'credit' | 'debit'>('');
  const pages = useCursorPages();
  const query = useWalletTransactions({ currency: currency || undefined, type, cursor: pages.cursor, limit: 20 });
  const csv = useDownloadTransactionsCsv();

  return (
    <section className="card" aria-labelledby="tx-title">
      <div className="section-header">
        <h2 id="tx-title">Transactions</h2>
        <button
          type="button"
          className="btn btn-secondary btn-small"
          onClick={() => csv.mutate({ currency: currency || undefined, type: type || undefined })}
          disabled={csv.isPending}
        >
          {csv.isPending ? 'Preparing CSV…' : 'Download CSV'}
        </button>
      </div>
      <FormError message={csv.error ? `CSV download failed: ${errorMessage(csv.error)}` : null} />
      <div className="filters">
        <div className="field field-inline">
          <label htmlFor="tx-currency">Currency</label>
          <select
            id="tx-currency"
            value={currency}
            onChange={(e) => {
              setCurrency(e.target.value);
              pages.reset();
            }}
          >
            <option value="">All</option>
            {currencies.map((c) => (
              <option key={c} value={c}>
                {c.toUpperCase()}
              </option>
            ))}
          </select>
        </div>
        <div className="field field-inline">
          <label htmlFor="tx-type">Type</label>
          <select
            id="tx-type"
            value={type}
            onChange={(e) => {
              setType(e.target.value as '' | 'credit' | 'debit');
              pages.reset();
            }}
          >
            <option value="">All</option>
            <option value="credit">Credits</option>
            <option value="debit">Debits</option>
          </select>
        </div>
      </div>
      {query.isPending ? (
        <Spinner label="Loading transactions…" />
      ) : query.isError ? (
        <ErrorMessage error={query.error} onRetry={() => query.refetch()} />
      ) : query.data.data.length === 0 ? (
        <EmptyState>No transactions yet.</EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="transactions-table">
            <thead>
              <tr>
                <th scope="col">Date</th>
                <th scope="col">Description</th>
                <th scope="col" className="num">
                  Amount
                </th>
                <th scope="col" className="num">
                  Balance after
                </th>
              </tr>
            </thead>
            <tbody>
              {query.data.data.map((t) => (
                <tr key={t.id}>
                  <td>{formatDateTime(t.createdAt)}</td>
                  <td>{t.description}</td>
                  <td className={`num ${t.type === 'credit' ? 'credit' : 'debit'}`}>
                    {t.type === 'credit' ? '+' : '−'}
                    {formatMoney({ amount: t.amount, currency: t.currency })}
                  </td>
                  <td className="num">{formatMoney({ amount: t.balanceAfter, currency: t.currency })}</td>
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
