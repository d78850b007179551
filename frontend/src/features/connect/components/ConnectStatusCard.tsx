import { ErrorMessage, FormError, Spinner } from '../../../components/QueryState';
import { StatusBadge } from '../../../components/StatusBadge';
import { errorMessage } from '../../../lib/api-client';
import { useConnectStatus } from '../api/get-connect-status.api';
import { useStartOnboarding } from '../api/create-account-link.api';

const TEXT: Record<string, string> = {
  NOT_STARTED: 'Set up payouts with Stripe to withdraw your earnings to your bank account.',
  PENDING: 'Stripe is still checking your details, or some are missing.',
  ACTIVE: 'Payouts are enabled. You can withdraw your available balance at any time.',
  RESTRICTED: 'Stripe needs more information before payouts can continue.',
};

export function ConnectStatusCard({ poll = false }: { poll?: boolean }) {
  const status = useConnectStatus({ pollWhilePending: poll });
  const onboarding = useStartOnboarding();

  return (
    <section className="card" aria-labelledby="connect-title">
      <h2 id="connect-title">Payouts setup</h2>
      {status.isPending ? (
        <Spinner label="Checking payout setup…" />
      ) : status.isError ? (
        <ErrorMessage error={status.error} onRetry={() => status.refetch()} />
      ) : (
        <>
          <p>
            Status: <StatusBadge kind="connect" status={status.data.status} testId="connect-status" />{' '}
            {status.data.payoutsEnabled && <span className="muted">(payouts enabled)</span>}
          </p>
          <p>{TEXT[status.data.status] ?? ''}</p>
          {status.data.requirementsDue.length > 0 && (
            <>
              <p>Still needed:</p>
              <ul className="requirements">
                {status.data.requirementsDue.map((r) => (
                  <li key={r}>{r.replace(/[._]/g, ' ')}</li>
                ))}
              </ul>
            </>
          )}
          <FormError message={onboarding.error ? errorMessage(onboarding.error) : null} />
          {!status.data.payoutsEnabled && (
            <button type="button" className="btn btn-primary" onClick={() => onboarding.mutate()} disabled={onboarding.isPending}>
              {onboarding.isPending ? 'Opening Stripe…' : 'Set up payouts'}
            </button>
          )}
        </>
      )}
    </section>
  );
}
