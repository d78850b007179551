import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { Elements } from '@stripe/react-stripe-js';
import { ErrorMessage, Spinner } from '../../../components/QueryState';
import { StatusBadge } from '../../../components/StatusBadge';
import { useCollaboration } from '../../collaborations/api/get-collaboration.api';
import { useConfig } from '../api/get-config.api';
import { usePaymentIntent } from '../api/create-payment-intent.api';
import { getStripe } from '../hooks/load-stripe';
import { CheckoutForm } from './CheckoutForm';

const PAYABLE = ['PENDING', 'FAILED'];

/** The checkout route's content: config → Stripe.js → PaymentIntent → <Elements> + <PaymentElement>. */
export function CheckoutPage({ collaborationId }: { collaborationId: string }) {
  const config = useConfig();
  const collaboration = useCollaboration(collaborationId);
  const intent = usePaymentIntent(collaborationId);
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
  if (config.isError) return <>{header}<ErrorMessage error={config.error} onRetry={() => config.refetch()} /></>;
  if (stripe.isError) return <>{header}<ErrorMessage title="Cannot load the card form" error={stripe.error} onRetry={() => stripe.refetch()} /></>;
  if (intent.isError) return <>{header}<ErrorMessage title="Cannot start the payment" error={intent.error} onRetry={() => intent.refetch()} /></>;

  const { payment, clientSecret } = intent.data;
  if (!PAYABLE.includes(payment.status)) {
    return (
      <>
        {header}
        <div className="card">
          <p>
            This collaboration's payment is <StatusBadge status={payment.status} testId="payment-status" />.
          </p>
          <Link className="btn btn-secondary" to={`/payments/result/${collaborationId}`}>
            View payment
          </Link>
        </div>
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
          previousError={payment.status === 'FAILED' ? payment.failureMessage : null}
        />
      </Elements>
      <p>
        <Link to={`/collaborations/${collaborationId}`}>Back to the collaboration</Link>
      </p>
    </>
  );
}
