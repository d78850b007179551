import { useEffect, useRef } from 'react';
import { Link, useSearchParams } from 'react-router';
import { ErrorMessage, Spinner } from '../../../components/QueryState';
import { StatusBadge } from '../../../components/StatusBadge';
import { useToast } from '../../../components/toast/toast-context';
import { formatMoney } from '../../../lib/money';
import { useConfirmPayment } from '../api/confirm-payment.api';
import { useCollaborationPayment } from '../api/get-collaboration-payment.api';
import { usePayment } from '../api/get-payment.api';

const MESSAGES: Record<string, string> = {
  PENDING: 'Waiting for the payment to be confirmed…',
  PROCESSING: 'Your bank is processing the payment. This page updates by itself.',
  HELD: 'Payment received. The money is held by CollabPay until you release it to the influencer.',
  PARTIALLY_RELEASED: 'Part of the money has been released to the influencer.',
  RELEASED: 'All money has been released to the influencer.',
  FAILED: 'The payment failed.',
  CANCELED: 'The payment was canceled.',
  REFUNDED: 'The payment was refunded.',
  PARTIALLY_REFUNDED: 'Part of the payment was refunded.',
  DISPUTED: 'A chargeback is open; the held money is frozen.',
};

/** After Stripe's redirect: ask the server to confirm, then follow the payment live (socket + polling) to HELD. */
export function PaymentResult({ collaborationId }: { collaborationId: string }) {
  const [params] = useSearchParams();
  const redirectStatus = params.get('redirect_status');
  const byCollaboration = useCollaborationPayment(collaborationId);
  const confirm = useConfirmPayment();
  const confirmed = useRef<string | null>(null);
  const paymentId = byCollaboration.data?.id;

  useEffect(() => {
    if (paymentId && confirmed.current !== paymentId) {
      confirmed.current = paymentId;
      confirm.mutate(paymentId);
    }
  }, [paymentId, confirm]);

  const payment = usePayment(confirm.isIdle || confirm.isPending ? undefined : paymentId, { pollWhileTransient: true });

  // Back from Stripe: the live "Payment HELD" event may have arrived on the checkout page just before the browser
  // left it, so this page announces the outcome itself (the same key keeps it to one toast with the live one).
  const toast = useToast();
  const announced = useRef(false);
  const held = payment.data?.status === 'HELD' ? payment.data : undefined;
  useEffect(() => {
    if (!held || !redirectStatus || announced.current) return;
    announced.current = true;
    toast.push({
      tone: 'success',
      title: 'Payment: Held in escrow',
      message: `Payment received: ${formatMoney({ amount: held.amount, currency: held.currency })} is held by CollabPay`,
      key: `payment:${held.id}:HELD`,
      group: `payment:${held.id}`,
    });
  }, [held, redirectStatus, toast]);

  if (byCollaboration.isPending || (paymentId && (confirm.isIdle || confirm.isPending)) || (paymentId && payment.isPending)) {
    return <Spinner label="Checking your payment…" />;
  }
  if (byCollaboration.isError) return <ErrorMessage error={byCollaboration.error} onRetry={() => byCollaboration.refetch()} />;
  if (!byCollaboration.data) {
    return (
      <div className="card">
        <p>No payment exists for this collaboration yet.</p>
        <Link to={`/collaborations/${collaborationId}`}>Back to the collaboration</Link>
      </div>
    );
  }
  if (payment.isError) return <ErrorMessage error={payment.error} onRetry={() => payment.refetch()} />;
  const p = payment.data ?? byCollaboration.data;

  return (
    <div className="card result" aria-live="polite">
      <p className="result-status">
        Status: <StatusBadge status={p.status} testId="payment-status" />
      </p>
      <p>{MESSAGES[p.status] ?? ''}</p>
      {p.status === 'FAILED' && p.failureMessage && (
        <p className="alert alert-error" role="alert">
          {p.failureMessage}
        </p>
      )}
      {redirectStatus === 'failed' && p.status !== 'HELD' && <p className="alert alert-error">Stripe reported that the payment did not go through.</p>}
      {confirm.isError && <ErrorMessage title="Could not confirm with Stripe yet" error={confirm.error} />}
      <dl className="facts">
        <dt>Amount</dt>
        <dd>{formatMoney({ amount: p.amount, currency: p.currency })}</dd>
        <dt>Platform fee</dt>
        <dd>{formatMoney({ amount: p.platformFee, currency: p.currency })}</dd>
        <dt>Influencer receives</dt>
        <dd>{formatMoney({ amount: p.influencerAmount, currency: p.currency })}</dd>
      </dl>
      <div className="actions">
        {(p.status === 'FAILED' || (p.status === 'PENDING' && redirectStatus === 'failed')) && (
          <Link className="btn btn-primary" to={`/payments/checkout/${collaborationId}`}>
            Try again
          </Link>
        )}
        <Link className="btn btn-secondary" to={`/collaborations/${collaborationId}`}>
          Back to the collaboration
        </Link>
      </div>
    </div>
  );
}
