import { Link } from 'react-router';
import { EmptyState, ErrorMessage, Spinner } from '../../../components/QueryState';
import { StatusBadge } from '../../../components/StatusBadge';
import { useToast } from '../../../components/toast/toast-context';
import { errorMessage, newIdempotencyKey } from '../../../lib/api-client';
import { formatDate } from '../../../lib/format';
import { formatMoney } from '../../../lib/money';
import { useCancelRetainer, useReleaseRetainerPeriod, useResumeRetainer, useRetainers, useRetryRetainer } from '../api/retainers.api';
import type { Retainer } from '../api/types';

/** Monthly retainers: each month's payment, release per month, cancel at period end, retry a failed month. */
export function RetainerList({ canManage }: { canManage: boolean }) {
  const retainers = useRetainers();
  const cancel = useCancelRetainer();
  const resume = useResumeRetainer();
  const retry = useRetryRetainer();
  const release = useReleaseRetainerPeriod();
  const toast = useToast();
  const onError = (title: string) => (e: unknown) => toast.push({ tone: 'error', title, message: errorMessage(e) });

  const renderOne = (r: Retainer) => (
    <article key={r.id} className="card retainer" data-testid={`retainer-${r.id}`}>
      <div className="section-header">
        <h3>
          {formatMoney(r)} / month · <Link to={`/collaborations/${r.collaborationId}`}>collaboration</Link>
        </h3>
        <StatusBadge status={r.status === 'past_due' ? 'FAILED' : r.status.toUpperCase()} testId="retainer-status" />
      </div>
      <p className="muted">
        {r.status === 'canceled'
          ? `Ended ${formatDate(r.canceledAt)}`
          : r.cancelAtPeriodEnd
            ? `Ends on ${formatDate(r.currentPeriodEnd)}`
            : `Next charge on ${formatDate(r.currentPeriodEnd)}`}
      </p>
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Month</th>
            <th scope="col">Payment</th>
            <th scope="col">Invoice</th>
            {canManage && <th scope="col">Actions</th>}
          </tr>
        </thead>
        <tbody>
          {r.periods.map((p) => (
            <tr key={p.paymentId} data-testid={`period-${p.periodIndex}`}>
              <td>{p.periodIndex + 1}</td>
              <td>
                <StatusBadge status={p.status} /> {formatMoney(p)}
                {p.failureMessage && p.status === 'FAILED' && <div className="muted small">{p.failureMessage}</div>}
              </td>
              <td>
                {p.hostedInvoiceUrl ? (
                  <a href={p.hostedInvoiceUrl} target="_blank" rel="noreferrer">
                    {p.invoiceStatus}
                  </a>
                ) : (
                  (p.invoiceStatus ?? '—')
                )}
              </td>
              {canManage && (
                <td>
                  {(p.status === 'HELD' || p.status === 'PARTIALLY_RELEASED') && (
                    <button
                      type="button"
                      className="btn btn-small btn-primary"
                      disabled={release.isPending}
                      onClick={() =>
                        release.mutate(
                          { id: r.id, periodIndex: p.periodIndex, idempotencyKey: newIdempotencyKey() },
                          {
                            onSuccess: () => toast.push({ tone: 'info', title: 'Released', message: `Month ${p.periodIndex + 1} released to the influencer` }),
                            onError: onError('Could not release'),
                          },
                        )
                      }
                    >
                      Release
                    </button>
                  )}
                  {p.status === 'FAILED' && (
                    <button
                      type="button"
                      className="btn btn-small btn-secondary"
                      disabled={retry.isPending}
                      onClick={() => retry.mutate({ id: r.id }, { onError: onError('Retry failed') })}
                    >
                      Retry payment
                    </button>
                  )}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {canManage && r.status !== 'canceled' && (
        <div className="row">
          {r.cancelAtPeriodEnd ? (
            <button type="button" className="btn btn-secondary btn-small" onClick={() => resume.mutate(r.id, { onError: onError('Could not resume') })}>
              Keep the retainer
            </button>
          ) : (
            <button
              type="button"
              className="btn btn-danger btn-small"
              onClick={() => window.confirm('Cancel at the end of the current month?') && cancel.mutate(r.id, { onError: onError('Could not cancel') })}
            >
              Cancel at period end
            </button>
          )}
        </div>
      )}
    </article>
  );

  return (
    <section aria-labelledby="retainers-title" className="stack">
      <h2 id="retainers-title">Monthly retainers</h2>
      {retainers.isPending ? (
        <Spinner label="Loading retainers…" />
      ) : retainers.isError ? (
        <ErrorMessage error={retainers.error} onRetry={() => retainers.refetch()} />
      ) : retainers.data.data.length === 0 ? (
        <EmptyState>No retainers. Propose a collaboration billed monthly to start one.</EmptyState>
      ) : (
        retainers.data.data.map(renderOne)
      )}
    </section>
  );
}
