import { useParams } from 'react-router';
import { CheckoutPage } from '../../features/payments/components/CheckoutPage';

/** Lazy chunk: the only route that loads Stripe.js, @stripe/react-stripe-js and the checkout code. */
export default function CheckoutRoute() {
  const { collaborationId } = useParams();
  return (
    <div className="narrow">
      <CheckoutPage collaborationId={collaborationId!} key={collaborationId} />
    </div>
  );
}
