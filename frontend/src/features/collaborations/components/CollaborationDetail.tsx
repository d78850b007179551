import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { ErrorMessage, FormError, Spinner } from '../../../components/QueryState';
import { StatusBadge } from '../../../components/StatusBadge';
import { errorMessage } from '../../../lib/api-client';
import { formatDateTime } from '../../../lib/format';
import { formatBps, formatMoney } from '../../../lib/money';
import type { Milestone, Payment } from '../../../types/api';
import { CollaborationDisputes } from '../../disputes/components/CollaborationDisputes';
import { MilestoneList } from '../../milestones/components/MilestoneList';
import { useAuth } from '../../auth/hooks/use-auth';
import { useCollaborationPayment } from '../../payments/api/get-collaboration-payment.api';
import { RefundDialog, heldAmount } from '../../payments/components/RefundDialog';
import { ReleaseDialog } from '../../payments/components/ReleaseDialog';
import { useAcceptCollaboration } from '../api/accept-collaboration.api';
import { useDeclineCollaboration } from '../api/decline-collaboration.api';
import { useCollaboration } from '../api/get-collaboration.api';

const RELEASABLE = ['HELD', 'PARTIALLY_RELEASED'];
const PAYABLE = ['PENDING', 'FAILED'];

export function CollaborationDetail({ id }: { id: string }) {
  const { user } = useAuth();
  const navigate = useNavigate();
  const query = useCollaboration(id);
  const collab = query.data;
  const hasPayment = !!collab && !['PROPOSED', 'DECLINED'].includes(collab.status);
  const paymentQuery = useCollaborationPayment(id, hasPayment);
  const accept = useAcceptCollaboration();
  const decline = useDeclineCollaboration();
  const [release, setRelease] = useState<{ milestone?: Milestone; amount: number } | null>(null);
  const [refundOpen, setRefundOpen] = useState(false);

  if (query.isPending) return <Spinner label="Loading collaboration…" />;
  if (query.isError) return <ErrorMessage error={query.error} onRetry={() => query.refetch()} />;
  const c = query.data;
  const isCompany = user?.role === 'company' && user.id === c.companyId;
  const isInfluencer = user?.role === 'influencer' && user.id === c.influencerId;
  const payment: Payment | null | undefined = paymentQuery.data;
  const canRelease = isCompany && !!payment && RELEASABLE.includes(payment.status);
  // invoices and retainers are paid through Billing; card checkout is only for card payments (or a failed invoice)
  const paidElsewhere = !!payment && (payment.method === 'subscription' || (payment.method === 'invoice' && payment.status !== 'FAILED'));
  const canPay = isCompany && !paidElsewhere && c.billing !== 'monthly' && (payment ? PAYABLE.includes(payment.status) : c.status === 'ACCEPTED');
  const actionError = accept.error ?? decline.error;

  return (
    <article className="stack">
      <header className="page-header">
        <div>
          <h1>{c.title}</h1>
          <p className="muted">Proposed {formatDateTime(c.createdAt)}</p>
        </div>
        <StatusBadge kind="collaboration" status={c.status} testId="collaboration-status" />
      </header>

      <section className="card" aria-labelledby="collab-terms">
        <h2 id="collab-terms">Terms</h2>
        <dl className="facts">
          <dt>Amount</dt>
          <dd data-testid="collaboration-amount">{formatMoney(c)}</dd>
          <dt>Company</dt>
          <dd>{c.companyName ?? c.company?.name ?? c.company?.email ?? <code>{c.companyId}</code>}</dd>
          <dt>Influencer</dt>
          <dd data-testid="collaboration-influencer">
            {c.influencerId ? (
              <>
                {c.influencerName ?? c.influencer?.name ?? c.influencer?.email ?? <code>{c.influencerId}</code>}
                {c.influencerHandle && <span className="muted"> @{c.influencerHandle}</span>}
              </>
            ) : (
              <>Invited: {c.invitedEmail} (sees this proposal once signed up)</>
            )}
          </dd>
          {c.feePreview && c.platformFeeBps !== undefined && (
            <>
              <dt>Platform fee ({formatBps(c.platformFeeBps)})</dt>
              <dd>{formatMoney({ amount: c.feePreview.platformFee, currency: c.currency })}</dd>
              <dt>The influencer receives</dt>
              <dd data-testid="collaboration-net">{formatMoney({ amount: c.feePreview.influencerAmount, currency: c.currency })}</dd>
            </>
          )}
          {c.reviewPeriodDays !== undefined && (
            <>
              <dt>Review period</dt>
              <dd>
                {c.reviewPeriodDays} day{c.reviewPeriodDays === 1 ? '' : 's'} after each submission
              </dd>
            </>
          )}
        </dl>
        {c.description && <p className="description">{c.description}</p>}
        <FormError message={actionError ? errorMessage(actionError) : null} />
        {isInfluencer && c.status === 'PROPOSED' && (
          <div className="actions">
            <button type="button" className="btn btn-primary" disabled={accept.isPending || decline.isPending} onClick={() => accept.mutate(c.id)}>
              Accept
            </button>
            <button type="button" className="btn btn-secondary" disabled={accept.isPending || decline.isPending} onClick={() => decline.mutate(c.id)}>
              Decline
            </button>
          </div>
        )}
      </section>

      {c.milestones && c.milestones.length > 0 && (
        <MilestoneList
          collaboration={c}
          payment={payment}
          viewer={isCompany ? 'company' : isInfluencer ? 'influencer' : 'other'}
          onRelease={canRelease ? (m) => setRelease({ milestone: m, amount: m.amount }) : undefined}
        />
      )}

      {hasPayment && (
        <section className="card" aria-labelledby="collab-payment">
          <h2 id="collab-payment">Payment</h2>
          {paymentQuery.isPending ? (
            <Spinner label="Loading payment…" />
          ) : paymentQuery.isError ? (
            <ErrorMessage error={paymentQuery.error} onRetry={() => paymentQuery.refetch()} />
          ) : !payment ? (
            <p className="muted">{isCompany ? 'No payment yet.' : 'Waiting for the company to pay.'}</p>
          ) : (
            <>
              <p>
                Status: <StatusBadge status={payment.status} testId="payment-status" />
              </p>
              {payment.status === 'FAILED' && payment.failureMessage && <p className="alert alert-error">{payment.failureMessage}</p>}
              <dl className="facts">
                <dt>{[...PAYABLE, 'PROCESSING'].includes(payment.status) ? 'Amount due' : 'Paid'}</dt>
                <dd>{formatMoney(payment)}</dd>
                <dt>Held by CollabPay</dt>
                <dd data-testid="payment-held">
                  {formatMoney({ amount: payment.heldAt || payment.amountHeld ? heldAmount(payment) : 0, currency: payment.currency })}
                </dd>
                <dt>Released</dt>
                <dd>{formatMoney({ amount: payment.amountReleased ?? 0, currency: payment.currency })}</dd>
                <dt>Refunded</dt>
                <dd>{formatMoney({ amount: payment.amountRefunded ?? 0, currency: payment.currency })}</dd>
                <dt>Platform fee</dt>
                <dd>{formatMoney({ amount: payment.platformFee, currency: payment.currency })}</dd>
              </dl>
            </>
          )}
          <div className="actions">
            {canPay && (
              <button type="button" className="btn btn-primary" onClick={() => navigate(`/payments/checkout/${c.id}`)}>
                Pay now
              </button>
            )}
            {canRelease && payment && (
              <>
                <button type="button" className="btn btn-primary" onClick={() => setRelease({ amount: heldAmount(payment) })}>
                  Release all
                </button>
                <button type="button" className="btn btn-danger" onClick={() => setRefundOpen(true)}>
                  Refund
                </button>
              </>
            )}
            {payment && isCompany && (
              <Link className="btn btn-secondary" to={`/payments/result/${c.id}`}>
                Payment details
              </Link>
            )}
          </div>
        </section>
      )}

      {(isCompany || isInfluencer) && <CollaborationDisputes collaboration={c} payment={payment} />}

      {release && payment && (
        <ReleaseDialog
          collaborationId={c.id}
          currency={payment.currency}
          amount={release.amount}
          milestone={release.milestone}
          onClose={() => setRelease(null)}
          onReleased={() => void query.refetch()}
        />
      )}
      {refundOpen && payment && <RefundDialog payment={payment} onClose={() => setRefundOpen(false)} />}
    </article>
  );
}
