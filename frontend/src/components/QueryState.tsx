import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { ApiError, errorMessage } from '../lib/api-client';

export function Spinner({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      <span>{label}</span>
    </div>
  );
}

/** An unknown id (or one that is someone else's): a proper not-found screen, not an error. */
export function NotFound({ what = 'page' }: { what?: string }) {
  return (
    <div className="card narrow" data-testid="not-found">
      <h1>We could not find this {what}</h1>
      <p>The link may be mistyped, the {what} may have been removed, or it belongs to another account.</p>
      <Link className="btn btn-primary" to="/">
        Go to your overview
      </Link>
    </div>
  );
}

export function ErrorMessage({ error, onRetry, title = 'Something went wrong' }: { error: unknown; onRetry?: () => void; title?: string }) {
  if (error instanceof ApiError && error.status === 404) return <NotFound what={notFoundSubject(error.code)} />;
  return (
    <div className="alert alert-error" role="alert">
      <strong>{title}: </strong>
      <span>{errorMessage(error)}</span>
      {onRetry && (
        <button type="button" className="btn btn-small" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function EmptyState({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}

export function FormError({ message }: { message?: string | null }) {
  if (!message) return null;
  return (
    <div className="alert alert-error" role="alert">
      {message}
    </div>
  );
}

function notFoundSubject(code: string): string {
  const m = /^([A-Z_]+)_NOT_FOUND$/.exec(code);
  return m ? m[1].toLowerCase().replace(/_/g, ' ') : 'page';
}
