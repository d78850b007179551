import { ErrorMessage, Spinner } from '../../../components/QueryState';
import { ledgerIsHealthy, useLedgerCheck } from '../api/get-ledger-check.api';

export function LedgerCheckCard() {
  const query = useLedgerCheck();
  const healthy = query.data ? ledgerIsHealthy(query.data) : undefined;

  return (
    <section className="card" aria-labelledby="ledger-title">
      <div className="section-header">
        <h2 id="ledger-title">Ledger check</h2>
        <button type="button" className="btn btn-secondary btn-small" onClick={() => query.refetch()} disabled={query.isFetching}>
          {query.isFetching ? 'Checking…' : 'Run check'}
        </button>
      </div>
      {query.isPending ? (
        <Spinner label="Checking the ledger…" />
      ) : query.isError ? (
        <ErrorMessage error={query.error} onRetry={() => query.refetch()} />
      ) : (
        <>
          <p data-testid="ledger-status" className={healthy === false ? 'alert alert-error' : healthy ? 'alert alert-success' : ''}>
            {healthy === undefined ? 'Result:' : healthy ? 'All invariants hold.' : 'Invariant violations found.'}
          </p>
          {Array.isArray(query.data.checks) ? (
            <>
              <ul className="check-list" aria-label="Invariants">
                {(query.data.checks as Array<{ name: string; ok: boolean; details?: unknown[] }>).map((c) => (
                  <li key={c.name} className={c.ok ? 'check-ok' : 'check-failed'}>
                    <span aria-hidden="true">{c.ok ? '✓' : '✗'}</span> {c.name}
                    {!c.ok && c.details?.length ? <pre className="code-block">{JSON.stringify(c.details, null, 2)}</pre> : null}
                  </li>
                ))}
              </ul>
              {query.data.counts ? (
                <p className="muted">
                  {Object.entries(query.data.counts as Record<string, number>)
                    .map(([k, v]) => `${v} ${k}`)
                    .join(' · ')}
                  {typeof query.data.checkedAt === 'string' ? ` · checked ${new Date(query.data.checkedAt).toLocaleString()}` : ''}
                </p>
              ) : null}
            </>
          ) : (
            <pre className="code-block">{JSON.stringify(query.data, null, 2)}</pre>
          )}
        </>
      )}
    </section>
  );
}
