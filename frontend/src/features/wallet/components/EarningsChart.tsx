import { EmptyState, ErrorMessage, Spinner } from '../../../components/QueryState';
import { formatShortDayUtc } from '../../../lib/format';
import { formatMoney } from '../../../lib/money';
import { useWalletTransactions } from '../api/get-wallet-transactions.api';
import { dailyEarnings } from './earnings-series';

const W = 400;
const H = 200;
const PAD = { top: 22, right: 8, bottom: 30, left: 8 };

const shortDay = formatShortDayUtc;

/** Earnings per day as an inline SVG bar chart (no chart library). */
export function EarningsChart({ currency }: { currency: string }) {
  const query = useWalletTransactions({ currency, type: 'credit', limit: 100 });

  if (query.isPending) return <Spinner label="Loading earnings…" />;
  if (query.isError) return <ErrorMessage error={query.error} onRetry={() => query.refetch()} />;
  const series = dailyEarnings(query.data.data, currency);
  if (series.length === 0) return <EmptyState>No earnings in {currency.toUpperCase()} yet.</EmptyState>;

  const max = Math.max(...series.map((d) => d.amount), 1);
  const innerW = W - PAD.left - PAD.right;
  const innerH = H - PAD.top - PAD.bottom;
  const slot = innerW / series.length;
  const barW = Math.max(4, Math.min(48, slot * 0.6));
  const summary = series.map((d) => `${shortDay(d.day)}: ${formatMoney({ amount: d.amount, currency })}`).join(', ');

  return (
    <figure className="chart" data-testid="earnings-chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`Earnings per day in ${currency.toUpperCase()}. ${summary}`} preserveAspectRatio="xMidYMid meet">
        <line x1={PAD.left} x2={W - PAD.right} y1={H - PAD.bottom} y2={H - PAD.bottom} className="chart-axis" />
        {series.map((d, i) => {
          const h = Math.max(2, (d.amount / max) * innerH);
          const x = PAD.left + i * slot + (slot - barW) / 2;
          const y = H - PAD.bottom - h;
          return (
            <g key={d.day}>
              <rect x={x} y={y} width={barW} height={h} rx={3} className="chart-bar">
                <title>{`${shortDay(d.day)}: ${formatMoney({ amount: d.amount, currency })}`}</title>
              </rect>
              {(series.length <= 5 || i % Math.ceil(series.length / 5) === 0) && (
                <text x={x + barW / 2} y={H - PAD.bottom + 16} textAnchor="middle" className="chart-label">
                  {shortDay(d.day)}
                </text>
              )}
            </g>
          );
        })}
        <text x={PAD.left} y={PAD.top - 8} className="chart-label">
          max {formatMoney({ amount: max, currency })}
        </text>
      </svg>
      <figcaption className="muted">Earnings per day, last {series.length} day(s) with credits</figcaption>
    </figure>
  );
}
