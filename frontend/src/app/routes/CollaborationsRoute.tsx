import { Link } from 'react-router';
import { useAuth } from '../../features/auth/hooks/use-auth';
import { CollaborationList } from '../../features/collaborations/components/CollaborationList';

export default function CollaborationsRoute() {
  const { user } = useAuth();
  const isCompany = user?.role === 'company';
  return (
    <div className="stack">
      <header className="page-header">
        <h1>Collaborations</h1>
        {isCompany && (
          <Link className="btn btn-primary" to="/collaborations/new">
            New proposal
          </Link>
        )}
      </header>
      <CollaborationList
        emptyText={isCompany ? 'No collaborations yet. Propose one to an influencer.' : 'No collaborations yet. Brands will send you proposals.'}
      />
    </div>
  );
}
