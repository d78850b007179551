import { PaymentHistory } from '../../features/payments/components/PaymentHistory';

export default function PaymentsRoute() {
  return <PaymentHistory />;
}
