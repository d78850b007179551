import { ErrorMessage, FormError, Spinner } from '../../../components/QueryState';
import { StatusBadge } from '../../../components/StatusBadge';
import { errorMessage } from '../../../lib/api-client';
import { formatDate } from '../../../lib/format';
import type { ConnectStatus } from '../../../types/api';
import { useStartOnboarding } from '../api/create-account-link.api';
import { useOpenExpressDashboard } from '../api/create-login-link.api';
import { useConnectStatus } from '../api/get-connect-status.api';
import { describeDisabledReason, describeRequirement } from '../domain/disabled-reason';

const TEXT: Record<string, string> = {
  NOT_STARTED: 'Set up payouts with Stripe to withdraw your earnings to your bank account.',
  PENDING: 'Stripe is still checking your details, or some are missing.',
  ACTIVE: 'Payouts are enabled. You can withdraw what Stripe has made available.',
  RESTRICTED: 'Stripe needs more information before payouts can continue.',
};

/** Payouts are paused (after onboarding) when Stripe disabled them: say why and how to fix it. */
export function payoutsPaused(s: ConnectStatus): boolean {
  return s.status !== 'NOT_STARTED' && !s.payoutsEnabled && (!!s.detailsSubmitted || !!s.disabledReason || s.pastDue.length > 0);
}

export function ConnectStatusCard({ poll = false }: { poll?: boolean }) {
  const status = useConnectStatus({ pollWhilePending: poll });
  const onboarding = useStartOnboarding();
  const dashboard = useOpenExpressDashboard();

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
          {payoutsPaused(status.data) ? (
            <div className="alert alert-error" role="status" data-testid="payouts-paused">
              <strong>Payouts are paused.</strong>
              <span>
                {describeDisabledReason(status.data.disabledReason) ?? 'Stripe has not enabled payouts on your account yet'}. Update your details with Stripe to
                resume them.
              </span>
            </div>
          ) : (
            <p>{TEXT[status.data.status] ?? ''}</p>
          )}
          {status.data.pastDue.length > 0 && (
            <>
              <p>Overdue:</p>
              <ul className="requirements" data-testid="connect-past-due">
                {status.data.pastDue.map((r) => (
                  <li key={r}>{describeRequirement(r)}</li>
                ))}
              </ul>
            </>
          )}
          {status.data.requirementsDue.length > 0 && (
            <>
              <p>
                Still needed
                {status.data.currentDeadline ? (
                  <>
                    {' '}
                    by <strong data-testid="connect-deadline">{formatDate(status.data.currentDeadline)}</strong> (payouts pause after that date)
                  </>
                ) : null}
                :
              </p>
              <ul className="requirements">
                {status.data.requirementsDue.map((r) => (
                  <li key={r}>{describeRequirement(r)}</li>
                ))}
              </ul>
            </>
          )}
          <FormError message={onboarding.error ? errorMessage(onboarding.error) : dashboard.error ? errorMessage(dashboard.error) : null} />
          <div className="actions">
            {(!status.data.payoutsEnabled || status.data.requirementsDue.length > 0) && (
              <button type="button" className="btn btn-primary" onClick={() => onboarding.mutate()} disabled={onboarding.isPending}>
                {onboarding.isPending
                  ? 'Opening Stripe…'
                  : status.data.status === 'NOT_STARTED'
                    ? 'Set up payouts'
                    : status.data.detailsSubmitted
                      ? 'Update your details with Stripe'
                      : 'Continue setup with Stripe'}
              </button>
            )}
            {status.data.detailsSubmitted && (
              <button type="button" className="btn btn-secondary" onClick={() => dashboard.mutate()} disabled={dashboard.isPending}>
                {dashboard.isPending ? 'Opening Stripe…' : 'Open Stripe Express dashboard'}
              </button>
            )}
          </div>
        </>
      )}
    </section>
  );
}
