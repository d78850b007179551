import { Link } from 'react-router';
import { ErrorMessage, Spinner } from '../../../components/QueryState';
import { StatusBadge } from '../../../components/StatusBadge';
import { formatDate } from '../../../lib/format';
import { statusLabel } from '../../../lib/labels';
import { formatMoney } from '../../../lib/money';
import type { WalletBalance } from '../../../types/api';
import { useCollaborations } from '../../collaborations/api/get-collaborations.api';
import { useConnectStatus } from '../../connect/api/get-connect-status.api';
import { usePayments } from '../../payments/api/get-payments.api';
import { usePayouts } from '../../wallet/api/get-payouts.api';
import { useWalletBalance } from '../../wallet/api/get-wallet-balance.api';
import { useWalletTransactions } from '../../wallet/api/get-wallet-transactions.api';
import { earningsOverTime } from './earnings-over-time';
import { KeyFigure, KeyFigures } from './KeyFigure';
import { paymentTotals, submittedMilestones } from './summaries';
import { TimeChart } from './TimeChart';

/** Fields of the balance that land with later server work; read when present. */
type Balance = WalletBalance & { availableForPayout?: number; nextAvailableOn?: string | null; owed?: number };

/** The influencer's overview: what can be paid out now and when more comes, what is on its way, what is owed. */
export function InfluencerOverview() {
  const balance = useWalletBalance();
  const payments = usePayments({ limit: 100 });
  const collaborations = useCollaborations({ limit: 100 });
  const payouts = usePayouts({ limit: 5 });
  const connect = useConnectStatus();
  const b = balance.data?.balances[0] as Balance | undefined;
  const currency = b?.currency ?? paymentTotals(payments.data?.data ?? [])?.currency ?? 'usd';
  const credits = useWalletTransactions({ currency, type: 'credit', limit: 100 });

  if (balance.isPending) return <Spinner label="Loading your overview…" />;
  if (balance.isError) return <ErrorMessage error={balance.error} onRetry={() => balance.refetch()} />;
  const money = (amount: number) => formatMoney({ amount, currency });
  const payable = b ? (b.availableForPayout ?? b.available) : 0;
  const incoming = paymentTotals((payments.data?.data ?? []).filter((p) => p.currency === currency))?.held ?? 0;
  const reviews = collaborations.data ? submittedMilestones(collaborations.data.data) : null;
  const last = payouts.data?.data[0];
  const payoutsOn = connect.data?.payoutsEnabled;
  const series = earningsOverTime(
    (credits.data?.data ?? [])
      .filter((t) => t.referenceType !== 'payout' && !/^payout\b/i.test(t.description))
      .map((t) => ({ at: t.createdAt, amount: t.amount })),
  );

  return (
    <div className="stack">
      <KeyFigures label="Key figures">
        <KeyFigure
          label="Available for payout"
          value={money(payable)}
          hint={payoutsOn === false ? 'Set up payouts to withdraw' : b && b.pending > 0 ? `${money(b.pending)} still clearing` : 'Ready to withdraw'}
          to="/wallet"
          testId="figure-available"
        />
        <KeyFigure
          label="Next available"
          value={b?.nextAvailableOn ? formatDate(b.nextAvailableOn) : '—'}
          hint={b?.nextAvailableOn ? 'When more money becomes payable' : 'Nothing waiting to clear'}
          testId="figure-next"
        />
        <KeyFigure label="Incoming" value={money(incoming)} hint="Held in escrow for your work" to="/collaborations" testId="figure-incoming" />
        {typeof b?.owed === 'number' && b.owed > 0 && (
          <KeyFigure label="Owed" value={money(b.owed)} hint="Repaid from your next earnings before payouts" testId="figure-owed" />
        )}
        <KeyFigure
          label="Reviews pending"
          value={reviews ?? '—'}
          hint={reviews === null ? 'Submissions show here once deliverables are enabled' : 'Submitted, waiting for the brand'}
          to="/collaborations"
          testId="figure-reviews"
        />
        <KeyFigure
          label="Payouts"
          value={last ? <StatusBadge kind="payout" status={last.status} /> : <StatusBadge kind="connect" status={connect.data?.status ?? 'NOT_STARTED'} />}
          hint={last ? `${formatMoney(last)} · ${statusLabel('payout', last.status).explanation}` : statusLabel('connect', connect.data?.status).explanation}
          to="/wallet"
          testId="figure-payouts"
        />
      </KeyFigures>
      {payoutsOn === false && (
        <p className="alert alert-info">
          To withdraw your earnings, <Link to="/wallet">set up payouts</Link> with your bank account.
        </p>
      )}
      <section className="card" aria-labelledby="earnings-title">
        <h2 id="earnings-title">Earnings over time</h2>
        {credits.isPending ? (
          <Spinner label="Loading earnings…" />
        ) : series.length ? (
          <TimeChart series={series} currency={currency} title="Earnings over time" testId="earnings-chart" />
        ) : (
          <p className="empty">No earnings yet. Money appears here when a brand releases a payment to you.</p>
        )}
      </section>
    </div>
  );
}
