import { useState } from 'react';
import { EmptyState, ErrorMessage, Spinner } from '../../components/QueryState';
import { useToast } from '../../components/toast/toast-context';
import { formatMoney } from '../../lib/money';
import { useConnectStatus } from '../../features/connect/api/get-connect-status.api';
import { ConnectStatusCard } from '../../features/connect/components/ConnectStatusCard';
import { useWalletBalance } from '../../features/wallet/api/get-wallet-balance.api';
import { EarningsChart } from '../../features/wallet/components/EarningsChart';
import { PayoutList } from '../../features/wallet/components/PayoutList';
import { PayoutModal } from '../../features/wallet/components/PayoutModal';
import { TransactionHistory } from '../../features/wallet/components/TransactionHistory';
import { WalletBalances } from '../../features/wallet/components/WalletBalances';
import { EmulatorClockControl } from '../../features/wallet/components/EmulatorClockControl';
import { payoutsPaused } from '../../features/connect/components/ConnectStatusCard';

export default function WalletRoute() {
  const balance = useWalletBalance();
  const connect = useConnectStatus();
  const toast = useToast();
  const [payoutOpen, setPayoutOpen] = useState(false);
  const [chartCurrency, setChartCurrency] = useState<string | null>(null);

  const balances = balance.data?.balances ?? [];
  const currencies = balances.map((b) => b.currency);
  const chartCur = chartCurrency ?? currencies[0] ?? null;
  const payoutsEnabled = connect.data?.payoutsEnabled ?? false;
  const paused = connect.data ? payoutsPaused(connect.data) : false;
  const nextAvailableOn =
    balances
      .map((b) => b.nextAvailableOn)
      .filter((d): d is string => !!d)
      .sort()[0] ?? null;

  return (
    <div className="stack">
      <header className="page-header">
        <h1>Wallet</h1>
        <button
          type="button"
          className="btn btn-primary"
          onClick={() => setPayoutOpen(true)}
          disabled={balances.length === 0 || !payoutsEnabled}
          aria-describedby={!payoutsEnabled && connect.isSuccess ? 'payout-setup-hint' : undefined}
        >
          Request payout
        </button>
      </header>
      {!payoutsEnabled && connect.isSuccess && (
        <p id="payout-setup-hint" className="hint" data-testid="payout-setup-hint">
          {paused ? 'Payouts are paused by Stripe: see Payouts setup below to resume them.' : 'Set up payouts below before you can withdraw.'}
        </p>
      )}

      <section aria-labelledby="balances-title">
        <h2 id="balances-title" className="sr-only">
          Balances
        </h2>
        {balance.isPending ? (
          <Spinner label="Loading balances…" />
        ) : balance.isError ? (
          <ErrorMessage error={balance.error} onRetry={() => balance.refetch()} />
        ) : balances.length === 0 ? (
          <EmptyState>No earnings yet. Released payments appear here.</EmptyState>
        ) : (
          <WalletBalances balances={balances} />
        )}
      </section>

      {chartCur && (
        <section className="card" aria-labelledby="chart-title">
          <div className="section-header">
            <h2 id="chart-title">Earnings</h2>
            {currencies.length > 1 && (
              <div className="field field-inline">
                <label htmlFor="chart-currency">Currency</label>
                <select id="chart-currency" value={chartCur} onChange={(e) => setChartCurrency(e.target.value)}>
                  {currencies.map((c) => (
                    <option key={c} value={c}>
                      {c.toUpperCase()}
                    </option>
                  ))}
                </select>
              </div>
            )}
          </div>
          <EarningsChart currency={chartCur} />
        </section>
      )}

      <EmulatorClockControl nextAvailableOn={nextAvailableOn} payoutInTransit={balances.some((b) => b.pending > 0)} />
      <ConnectStatusCard />
      <PayoutList />
      <TransactionHistory currencies={currencies} />

      {payoutOpen && (
        <PayoutModal
          balances={balances}
          onClose={() => setPayoutOpen(false)}
          onRequested={(p) =>
            toast.push({ tone: 'info', title: 'Payout requested', message: `${formatMoney(p)} is on its way to your bank.`, group: `payout:${p.id}` })
          }
        />
      )}
    </div>
  );
}
