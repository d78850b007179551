import { Link, isRouteErrorResponse, useRouteError } from 'react-router';

/** Shown instead of a blank page when a screen throws while rendering (or a lazy chunk fails to load). */
export function RouteError() {
  const error = useRouteError();
  const message = isRouteErrorResponse(error) ? `${error.status} ${error.statusText}` : error instanceof Error ? error.message : 'Unknown error';
  return (
    <main className="main">
      <div className="card narrow" role="alert">
        <h1>Something went wrong</h1>
        <p>{message}</p>
        <div className="actions">
          <button type="button" className="btn btn-primary" onClick={() => window.location.reload()}>
            Reload the page
          </button>
          <Link className="btn btn-secondary" to="/">
            Go home
          </Link>
        </div>
      </div>
    </main>
  );
}
