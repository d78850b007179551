import { memo } from 'react';
import { formatShortDayUtc } from '../../../lib/format';
import { formatMoney } from '../../../lib/money';
import type { Bucket } from './earnings-over-time';

const W = 640;
const H = 220;
const PAD = { top: 24, right: 12, bottom: 28, left: 12 };

const short = formatShortDayUtc;

/**
 * Money over time as an inline SVG (no chart library, nothing inline that the CSP would refuse): a bar per day or
 * week on a continuous axis, and the running total as a line. A table of the same figures follows for screen
 * readers and for anyone who prefers numbers.
 */
export const TimeChart = memo(function TimeChart({ series, currency, title, testId }: { series: Bucket[]; currency: string; title: string; testId?: string }) {
  const innerW = W - PAD.left - PAD.right;
  const innerH = H - PAD.top - PAD.bottom;
  const maxBar = Math.max(1, ...series.map((b) => b.amount));
  const maxCum = Math.max(1, series.at(-1)?.cumulative ?? 1);
  const slot = innerW / Math.max(1, series.length);
  const barW = Math.max(3, Math.min(28, slot * 0.6));
  const money = (amount: number) => formatMoney({ amount, currency });
  const line = series
    .map((b, i) => `${i === 0 ? 'M' : 'L'}${(PAD.left + i * slot + slot / 2).toFixed(1)},${(PAD.top + innerH - (b.cumulative / maxCum) * innerH).toFixed(1)}`)
    .join(' ');
  const labelEvery = Math.max(1, Math.ceil(series.length / 6));
  const total = series.at(-1)?.cumulative ?? 0;

  return (
    <figure className="chart" data-testid={testId}>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${title}: ${money(total)} in total over ${series.length} periods`} preserveAspectRatio="none">
        <line x1={PAD.left} x2={W - PAD.right} y1={H - PAD.bottom} y2={H - PAD.bottom} className="chart-axis" />
        {series.map((b, i) => {
          const h = b.amount > 0 ? Math.max(2, (b.amount / maxBar) * innerH * 0.8) : 0;
          const x = PAD.left + i * slot + (slot - barW) / 2;
          return (
            <g key={b.start}>
              {h > 0 && <rect x={x} y={H - PAD.bottom - h} width={barW} height={h} rx={2} className="chart-bar" />}
              {i % labelEvery === 0 && (
                <text x={x + barW / 2} y={H - PAD.bottom + 18} textAnchor="middle" className="chart-label">
                  {short(b.start)}
                </text>
              )}
            </g>
          );
        })}
        <path d={line} className="chart-line" />
      </svg>
      <figcaption className="chart-caption">
        <span>
          <span className="legend legend-bar" aria-hidden="true" /> per{' '}
          {series.length > 1 && Date.parse(series[1].start) - Date.parse(series[0].start) > 86_400_000 ? 'week' : 'day'}
        </span>
        <span>
          <span className="legend legend-line" aria-hidden="true" /> running total {money(total)}
        </span>
      </figcaption>
      <details className="chart-table">
        <summary>Show the figures</summary>
        <table className="table">
          <caption className="sr-only">{title}</caption>
          <thead>
            <tr>
              <th scope="col">From</th>
              <th scope="col">Amount</th>
              <th scope="col">Running total</th>
            </tr>
          </thead>
          <tbody>
            {series
              .filter((b) => b.amount !== 0)
              .map((b) => (
                <tr key={b.start}>
                  <td>{short(b.start)}</td>
                  <td>{money(b.amount)}</td>
                  <td>{money(b.cumulative)}</td>
                </tr>
              ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
});
