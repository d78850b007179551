import { useState } from 'react';
import { Link } from 'react-router';
import { useAuth } from '../../features/auth/hooks/use-auth';
import { CollaborationList } from '../../features/collaborations/components/CollaborationList';
import { IncomingProposals } from '../../features/collaborations/components/IncomingProposals';
import { ConnectStatusCard } from '../../features/connect/components/ConnectStatusCard';

function CopyId({ id }: { id: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="copy-id">
      <code data-testid="my-user-id">{id}</code>
      <button
        type="button"
        className="btn btn-secondary btn-small"
        onClick={() =>
          void navigator.clipboard?.writeText(id).then(
            () => setCopied(true),
            () => setCopied(false),
          )
        }
      >
        {copied ? 'Copied' : 'Copy id'}
      </button>
      <span className="sr-only" aria-live="polite">
        {copied ? 'Id copied to the clipboard' : ''}
      </span>
    </div>
  );
}

export default function DashboardRoute() {
  const { user } = useAuth();
  if (!user) return null;
  if (user.role === 'company') {
    return (
      <div className="stack">
        <header className="page-header">
          <h1>Welcome, {user.name}</h1>
          <Link className="btn btn-primary" to="/collaborations/new">
            New proposal
          </Link>
        </header>
        <CollaborationList emptyText="No collaborations yet. Propose one to an influencer." />
      </div>
    );
  }
  return (
    <div className="stack">
      <header className="page-header">
        <h1>Welcome, {user.name}</h1>
      </header>
      <section className="card" aria-labelledby="my-id-title">
        <h2 id="my-id-title">Your influencer id</h2>
        <p className="muted">Share it with a brand so they can send you a proposal.</p>
        <CopyId id={user.id} />
      </section>
      <section className="card" aria-labelledby="proposals-title">
        <h2 id="proposals-title">Incoming proposals</h2>
        <IncomingProposals />
      </section>
      <ConnectStatusCard />
    </div>
  );
}
