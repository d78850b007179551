import { Link } from 'react-router';
import { ConnectStatusCard } from '../../features/connect/components/ConnectStatusCard';

/** Stripe sends the influencer back here after onboarding; the status is re-read (and polled while PENDING). */
export default function ConnectReturnRoute() {
  return (
    <div className="narrow stack">
      <header className="page-header">
        <h1>Back from Stripe</h1>
      </header>
      <p>Thanks! Here is your payout setup as Stripe reports it now.</p>
      <ConnectStatusCard poll />
      <p>
        <Link to="/wallet">Go to your wallet</Link>
      </p>
    </div>
  );
}
