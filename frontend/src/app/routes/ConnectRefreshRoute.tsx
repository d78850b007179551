import { Link } from 'react-router';
import { ConnectStatusCard } from '../../features/connect/components/ConnectStatusCard';

/** Stripe sends the influencer here when the onboarding link expired; start again with a fresh link. */
export default function ConnectRefreshRoute() {
  return (
    <div className="narrow stack">
      <header className="page-header">
        <h1>Continue payout setup</h1>
      </header>
      <p>Your setup link expired or was already used. Start again to get a fresh one.</p>
      <ConnectStatusCard />
      <p>
        <Link to="/dashboard">Back to your dashboard</Link>
      </p>
    </div>
  );
}
