import { memo, useDeferredValue, useMemo } from 'react';
import { Link } from 'react-router';
import { ErrorMessage, Spinner } from '../../../components/QueryState';
import { formatMoney } from '../../../lib/money';
import { useInvoices } from '../../billing/api/get-invoices.api';
import { useCollaborations } from '../../collaborations/api/get-collaborations.api';
import { CollaborationList } from '../../collaborations/components/CollaborationList';
import { usePayments } from '../../payments/api/get-payments.api';
import { earningsOverTime } from './earnings-over-time';
import { KeyFigure, KeyFigures } from './KeyFigure';
import { paymentTotals, submittedMilestones } from './summaries';
import { TimeChart } from './TimeChart';

/** The company's overview: money held, released and refunded, reviews waiting, invoices due, spend over time. */
export function CompanyOverview() {
  const payments = usePayments({ limit: 100 });
  const collaborations = useCollaborations({ limit: 100 });
  const invoices = useInvoices();
  // the first page of the collaborations card below (same query as its CollaborationList)
  const recent = useCollaborations({ limit: 20 });
  // computed once per payments answer: the collaborations and invoices arriving later re-render the figures, not the chart
  const { totals, series } = useMemo(() => {
    const list = payments.data?.data ?? [];
    const totals = paymentTotals(list);
    const currency = totals?.currency ?? 'usd';
    const series = earningsOverTime(
      list.filter((p) => p.currency === currency && p.heldAt).map((p) => ({ at: p.heldAt!, amount: p.amount })),
      Date.now(),
    );
    return { totals, series };
  }, [payments.data]);

  // One first render with every figure, not one per answer: the route's loader started all these requests together
  // (app/route-prefetch.ts), and each extra render of the whole overview is a long task on a slow phone. A request
  // that fails does not hold the overview back (its figure says so instead).
  const settling = (q: { isPending: boolean; isFetching: boolean }) => q.isPending && q.isFetching;
  const waiting = payments.isPending || settling(collaborations) || settling(invoices) || settling(recent);
  // The answers arrive as synchronous updates; the overview they reveal is then rendered as a deferred (time-sliced)
  // update, so mounting it does not block the page in one long task.
  const showSpinner = useDeferredValue(waiting);
  if (waiting || showSpinner) return <Spinner label="Loading your overview…" />;
  if (payments.isError) return <ErrorMessage error={payments.error} onRetry={() => payments.refetch()} />;
  const currency = totals?.currency ?? 'usd';
  const money = (amount: number) => formatMoney({ amount, currency });
  const reviews = collaborations.data ? submittedMilestones(collaborations.data.data) : null;
  const due = (invoices.data?.data ?? []).filter((i) => i.status === 'open');
  const dueTotal = due.filter((i) => i.currency === currency).reduce((s, i) => s + i.amount, 0);

  return (
    <div className="stack">
      <KeyFigures label="Key figures">
        <KeyFigure label="Held in escrow" value={money(totals?.held ?? 0)} hint="Paid, waiting for you to release" to="/payments" testId="figure-held" />
        <KeyFigure label="Released" value={money(totals?.released ?? 0)} hint="Paid out to influencers" testId="figure-released" />
        <KeyFigure label="Refunded" value={money(totals?.refunded ?? 0)} hint="Back to you" testId="figure-refunded" />
        <KeyFigure
          label="Open reviews"
          value={reviews ?? '—'}
          hint={reviews === null ? 'Submissions show here once deliverables are enabled' : reviews === 1 ? 'Submission to approve' : 'Submissions to approve'}
          to="/collaborations"
          testId="figure-reviews"
        />
        <KeyFigure
          label="Invoices due"
          value={due.length}
          hint={due.length ? `${money(dueTotal)} to pay` : 'Nothing to pay'}
          to="/billing"
          testId="figure-invoices"
        />
      </KeyFigures>
      <section className="card" aria-labelledby="spend-title">
        <h2 id="spend-title">Paid into escrow over time</h2>
        {series.length ? (
          <TimeChart series={series} currency={currency} title="Paid into escrow over time" testId="spend-chart" />
        ) : (
          <p className="empty">No payments yet.</p>
        )}
      </section>
      <RecentCollaborations />
    </div>
  );
}

/** The collaborations card: its own query and pager, so the overview's figures updating do not re-render it. */
const RecentCollaborations = memo(function RecentCollaborations() {
  return (
    <section className="card" aria-labelledby="recent-title">
      <div className="section-header">
        <h2 id="recent-title">Collaborations</h2>
        <Link className="btn btn-primary btn-small" to="/collaborations/new">
          New proposal
        </Link>
      </div>
      <CollaborationList emptyText="No collaborations yet. Propose one to an influencer." />
    </section>
  );
});
