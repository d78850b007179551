import { useAuth } from '../../features/auth/hooks/use-auth';
import { IncomingProposals } from '../../features/collaborations/components/IncomingProposals';
import { ConnectStatusCard } from '../../features/connect/components/ConnectStatusCard';
import { AdminOverview } from '../../features/dashboard/components/AdminOverview';
import { CompanyOverview } from '../../features/dashboard/components/CompanyOverview';
import { CopyId } from '../../features/dashboard/components/CopyId';
import { InfluencerOverview } from '../../features/dashboard/components/InfluencerOverview';

export default function DashboardRoute() {
  const { user } = useAuth();
  if (!user) return null;
  return (
    <div className="stack">
      <header className="page-header">
        <h1>Overview</h1>
        <p className="muted">Welcome, {user.name}</p>
      </header>
      {user.role === 'company' && <CompanyOverview />}
      {user.role === 'admin' && <AdminOverview />}
      {user.role === 'influencer' && (
        <>
          <InfluencerOverview />
          <section className="card" aria-labelledby="proposals-title">
            <h2 id="proposals-title">Incoming proposals</h2>
            <IncomingProposals />
          </section>
          <ConnectStatusCard />
          <section className="card" aria-labelledby="my-id-title">
            <h2 id="my-id-title">Your influencer id</h2>
            <p className="muted">Share it with a brand so they can send you a proposal.</p>
            <CopyId id={user.id} />
          </section>
        </>
      )}
    </div>
  );
}
