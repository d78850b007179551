import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { Elements } from '@stripe/react-stripe-js';
import { ErrorMessage, Spinner } from '../../../components/QueryState';
import { StatusBadge } from '../../../components/StatusBadge';
import { ApiError } from '../../../lib/api-client';
import { useCollaboration } from '../../collaborations/api/get-collaboration.api';
import { useCollaborationPayment } from '../api/get-collaboration-payment.api';
import { useConfig } from '../api/get-config.api';
import { usePaymentIntent } from '../api/create-payment-intent.api';
import { getStripe } from '../hooks/load-stripe';
import { CheckoutForm } from './CheckoutForm';

const PAYABLE = ['PENDING', 'FAILED'];

/** Nothing to pay (already paid, released, refunded...): say so and link to the payment instead of a card form. */
function NotPayable({ collaborationId, status }: { collaborationId: string; status: string }) {
  return (
    <div className="card">
      <p>
        This collaboration's payment: <StatusBadge status={status} testId="payment-status" />.
      </p>
      <Link className="btn btn-secondary" to={`/payments/result/${collaborationId}`}>
        View payment
      </Link>
    </div>
  );
}

/** The checkout route's content: config → Stripe.js → PaymentIntent → <Elements> + <PaymentElement>. */
export function CheckoutPage({ collaborationId }: { collaborationId: string }) {
  const config = useConfig();
  const collaboration = useCollaboration(collaborationId);
  const intent = usePaymentIntent(collaborationId);
  // The server refuses a new intent once the payment went through (409 PAYMENT_ALREADY_COMPLETED), e.g. when the
  // company comes back to this page with the browser's Back button: show the payment instead of an error.
  const alreadyPaid = intent.error instanceof ApiError && intent.error.code === 'PAYMENT_ALREADY_COMPLETED';
  const existing = useCollaborationPayment(collaborationId, alreadyPaid);
  const stripe = useQuery({
    queryKey: ['stripe-js', config.data?.stripeMode, config.data?.publishableKey],
    queryFn: () => getStripe(config.data!),
    enabled: !!config.data,
    staleTime: Infinity,
    retry: false,
    refetchOnWindowFocus: false,
    structuralSharing: false,
  });

  const header = (
    <header className="page-header">
      <h1>Checkout</h1>
      {collaboration.data && <p className="muted">{collaboration.data.title}</p>}
    </header>
  );

  if (config.isPending || intent.isPending || (config.isSuccess && stripe.isPending)) {
    return (
      <>
        {header}
        <Spinner label="Preparing secure checkout…" />
      </>
    );
  }
  if (config.isError)
    return (
      <>
        {header}
        <ErrorMessage error={config.error} onRetry={() => config.refetch()} />
      </>
    );
  if (stripe.isError)
    return (
      <>
        {header}
        <ErrorMessage title="Cannot load the card form" error={stripe.error} onRetry={() => stripe.refetch()} />
      </>
    );
  if (alreadyPaid && existing.isPending)
    return (
      <>
        {header}
        <Spinner label="Checking your payment…" />
      </>
    );
  if (alreadyPaid && existing.data)
    return (
      <>
        {header}
        <NotPayable collaborationId={collaborationId} status={existing.data.status} />
      </>
    );
  if (intent.isError)
    return (
      <>
        {header}
        <ErrorMessage title="Cannot start the payment" error={intent.error} onRetry={() => intent.refetch()} />
      </>
    );

  const { payment, clientSecret } = intent.data;
  if (!PAYABLE.includes(payment.status)) {
    return (
      <>
        {header}
        <NotPayable collaborationId={collaborationId} status={payment.status} />
      </>
    );
  }

  return (
    <>
      {header}
      <Elements stripe={stripe.data ?? null} options={{ clientSecret, appearance: { theme: 'stripe' } }} key={clientSecret}>
        <CheckoutForm
          collaborationId={collaborationId}
          amount={payment.amount}
          currency={payment.currency}
          fee={payment.platformFee}
          net={payment.influencerAmount}
          previousError={payment.status === 'FAILED' ? payment.failureMessage : null}
        />
      </Elements>
      <p>
        <Link to={`/collaborations/${collaborationId}`}>Back to the collaboration</Link>
      </p>
    </>
  );
}
