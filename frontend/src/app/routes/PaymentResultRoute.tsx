import { useParams } from 'react-router';
import { PaymentResult } from '../../features/payments/components/PaymentResult';

export default function PaymentResultRoute() {
  const { collaborationId } = useParams();
  return (
    <div className="narrow">
      <header className="page-header">
        <h1>Payment</h1>
      </header>
      <PaymentResult collaborationId={collaborationId!} key={collaborationId} />
    </div>
  );
}
