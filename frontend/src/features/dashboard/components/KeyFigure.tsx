import type { ReactNode } from 'react';
import { Link } from 'react-router';

/** One figure a person acts on: label, value, a line of context and where to act on it. */
export function KeyFigure({ label, value, hint, to, testId }: { label: string; value: ReactNode; hint?: ReactNode; to?: string; testId?: string }) {
  return (
    <div className="figure" data-key-figure data-testid={testId}>
      <dt>{label}</dt>
      <dd className="figure-value">{value}</dd>
      {hint && <dd className="figure-hint">{hint}</dd>}
      {to && (
        <dd className="figure-link">
          <Link to={to}>
            View<span className="sr-only"> {label.toLowerCase()}</span>
          </Link>
        </dd>
      )}
    </div>
  );
}

export function KeyFigures({ label, children }: { label: string; children: ReactNode }) {
  return (
    <dl className="figures" aria-label={label}>
      {children}
    </dl>
  );
}
