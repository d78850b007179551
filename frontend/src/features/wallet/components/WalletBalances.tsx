import type { WalletBalance } from '../../../types/api';
import { formatDate } from '../../../lib/format';
import { formatMoney } from '../../../lib/money';

export function WalletBalances({ balances }: { balances: WalletBalance[] }) {
  return (
    <div className="balance-grid">
      {balances.map((b) => (
        <section className="card balance-card" key={b.currency} aria-label={`${b.currency.toUpperCase()} balance`}>
          <h3>{b.currency.toUpperCase()}</h3>
          <p className="balance-main">
            <span className="muted">Available</span>
            <strong data-testid={`wallet-available-${b.currency}`}>{formatMoney({ amount: b.available, currency: b.currency })}</strong>
          </p>
          <p className="hint" data-testid={`wallet-payable-${b.currency}`}>
            Payable now: <strong>{formatMoney({ amount: b.availableForPayout, currency: b.currency })}</strong>
            {b.nextAvailableOn && b.availableForPayout < b.available && (
              <>
                {' '}
                · more on <span data-testid={`wallet-next-available-${b.currency}`}>{formatDate(b.nextAvailableOn)}</span> (Stripe holds card payments for about
                two days)
              </>
            )}
          </p>
          <dl className="facts facts-compact">
            <dt>Pending</dt>
            <dd data-testid={`wallet-pending-${b.currency}`}>{formatMoney({ amount: b.pending, currency: b.currency })}</dd>
            <dt>Total earned</dt>
            <dd data-testid={`wallet-earned-${b.currency}`}>{formatMoney({ amount: b.totalEarned, currency: b.currency })}</dd>
            <dt>Withdrawn</dt>
            <dd data-testid={`wallet-withdrawn-${b.currency}`}>{formatMoney({ amount: b.totalWithdrawn, currency: b.currency })}</dd>
          </dl>
          {!!b.owed && b.owed > 0 && (
            <p className="alert alert-warning" role="status" data-testid={`wallet-owed-${b.currency}`}>
              You owe {formatMoney({ amount: b.owed, currency: b.currency })} after a clawback. Payouts are paused until it is repaid; your next earnings repay
              it first.
            </p>
          )}
        </section>
      ))}
    </div>
  );
}
