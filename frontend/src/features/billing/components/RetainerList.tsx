import { useState } from 'react';
import { Link } from 'react-router';
import { ConfirmDialog } from '../../../components/ConfirmDialog';
import { EmptyState, ErrorMessage, Spinner } from '../../../components/QueryState';
import { StatusBadge } from '../../../components/StatusBadge';
import { useToast } from '../../../components/toast/toast-context';
import { errorMessage } from '../../../lib/api-client';
import { useIdempotencyKey } from '../../../lib/use-idempotency-key';
import { usePayment } from '../../payments/api/get-payment.api';
import { breakdownOf } from '../../payments/fees';
import { formatDate } from '../../../lib/format';
import { statusLabel } from '../../../lib/labels';
import { formatMoney } from '../../../lib/money';
import { useCancelRetainer, useReleaseRetainerPeriod, useResumeRetainer, useRetainers, useRetryRetainer } from '../api/retainers.api';
import type { Retainer, RetainerPeriod } from '../api/types';

/** Release one month: the month's payment gives the fee and what the influencer nets. */
function ReleaseMonthDialog({ retainer, period, onClose }: { retainer: Retainer; period: RetainerPeriod; onClose: () => void }) {
  const release = useReleaseRetainerPeriod();
  const payment = usePayment(period.paymentId);
  const toast = useToast();
  const keyFor = useIdempotencyKey();
  const held = period.amount - (period.amountReleased ?? 0);
  const breakdown = breakdownOf(payment.data ?? null, held);
  return (
    <ConfirmDialog
      title={`Release month ${period.periodIndex + 1}`}
      breakdown={breakdown ?? undefined}
      confirmLabel={`Release ${formatMoney({ amount: held, currency: period.currency })}`}
      pendingLabel="Releasing…"
      onClose={onClose}
      onConfirm={async () => {
        const body = { id: retainer.id, periodIndex: period.periodIndex };
        await release.mutateAsync({ ...body, idempotencyKey: keyFor(body) });
        toast.push({
          tone: 'info',
          title: 'Released',
          message: `Month ${period.periodIndex + 1} released to the influencer`,
          group: `payment:${period.paymentId}`,
        });
      }}
    >
      <p>The influencer receives this month’s money, less CollabPay’s fee, in their wallet right away. This cannot be undone.</p>
    </ConfirmDialog>
  );
}

/** Monthly retainers: each month's payment, release per month, cancel at period end, retry a failed month. */
export function RetainerList({ canManage }: { canManage: boolean }) {
  const retainers = useRetainers();
  const cancel = useCancelRetainer();
  const resume = useResumeRetainer();
  const retry = useRetryRetainer();
  const toast = useToast();
  const [releasing, setReleasing] = useState<{ r: Retainer; p: RetainerPeriod } | null>(null);
  const [canceling, setCanceling] = useState<Retainer | null>(null);
  const onError = (title: string) => (e: unknown) => toast.push({ tone: 'error', title, message: errorMessage(e) });

  const renderOne = (r: Retainer) => (
    <article key={r.id} className="card retainer" data-testid={`retainer-${r.id}`}>
      <div className="section-header">
        <h3>
          {formatMoney(r)} / month · <Link to={`/collaborations/${r.collaborationId}`}>collaboration</Link>
        </h3>
        <StatusBadge kind="retainer" status={r.status} testId="retainer-status" />
      </div>
      <p className="muted">
        {r.status === 'canceled'
          ? `Ended ${formatDate(r.canceledAt)}`
          : r.cancelAtPeriodEnd
            ? `Ends on ${formatDate(r.currentPeriodEnd)}`
            : `Next charge on ${formatDate(r.currentPeriodEnd)}`}
      </p>
      <table className="table cards">
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
              <td data-label="Month">{p.periodIndex + 1}</td>
              <td data-label="Payment">
                <StatusBadge kind="payment" status={p.status} /> {formatMoney(p)}
                {p.failureMessage && p.status === 'FAILED' && <div className="muted small">{p.failureMessage}</div>}
              </td>
              <td data-label="Invoice">
                {p.hostedInvoiceUrl ? (
                  <a href={p.hostedInvoiceUrl} target="_blank" rel="noreferrer">
                    {statusLabel('invoice', p.invoiceStatus).label}
                  </a>
                ) : p.invoiceStatus ? (
                  statusLabel('invoice', p.invoiceStatus).label
                ) : (
                  '—'
                )}
              </td>
              {canManage && (
                <td data-label="Actions">
                  {(p.status === 'HELD' || p.status === 'PARTIALLY_RELEASED') && (
                    <button type="button" className="btn btn-small btn-primary" onClick={() => setReleasing({ r, p })}>
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
            <button type="button" className="btn btn-danger btn-small" onClick={() => setCanceling(r)}>
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
      {releasing && <ReleaseMonthDialog retainer={releasing.r} period={releasing.p} onClose={() => setReleasing(null)} />}
      {canceling && (
        <ConfirmDialog
          title="Cancel the retainer"
          destructive
          confirmLabel="End the retainer"
          pendingLabel="Canceling…"
          onClose={() => setCanceling(null)}
          onConfirm={() => cancel.mutateAsync(canceling.id)}
        >
          <p>
            No month after {formatDate(canceling.currentPeriodEnd)} is charged. Money already held stays held until you release it; you can keep the retainer
            until that date.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
