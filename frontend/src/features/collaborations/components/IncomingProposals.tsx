import { Link } from 'react-router';
import { EmptyState, ErrorMessage, FormError, Spinner } from '../../../components/QueryState';
import { useToast } from '../../../components/toast/toast-context';
import { errorMessage } from '../../../lib/api-client';
import { formatMoney } from '../../../lib/money';
import { useAcceptCollaboration } from '../api/accept-collaboration.api';
import { useDeclineCollaboration } from '../api/decline-collaboration.api';
import { useCollaborations } from '../api/get-collaborations.api';
import { collaborationToastKey } from '../../realtime/hooks/realtime-messages';

/** The influencer's proposals waiting for an answer (`?status=PROPOSED`, filtered again here). */
export function IncomingProposals() {
  const query = useCollaborations({ status: 'PROPOSED', limit: 100 });
  const accept = useAcceptCollaboration();
  const decline = useDeclineCollaboration();
  const toast = useToast();

  if (query.isPending) return <Spinner label="Loading proposals…" />;
  if (query.isError) return <ErrorMessage error={query.error} onRetry={() => query.refetch()} />;
  const proposals = query.data.data.filter((c) => c.status === 'PROPOSED');
  const busyId = (accept.isPending && accept.variables) || (decline.isPending && decline.variables) || null;
  const failure = accept.error ?? decline.error;

  return (
    <>
      <FormError message={failure ? errorMessage(failure) : null} />
      {proposals.length === 0 ? (
        <EmptyState>No proposals waiting for you.</EmptyState>
      ) : (
        <ul className="list" data-testid="incoming-proposals">
          {proposals.map((c) => (
            <li key={c.id} className="list-item" data-testid={`proposal-${c.id}`}>
              <div className="list-main">
                <Link to={`/collaborations/${c.id}`} className="list-title">
                  {c.title}
                </Link>
                <span className="muted">
                  {formatMoney(c)}
                  {c.companyName || c.company?.name ? ` from ${c.companyName ?? c.company?.name}` : ''}
                </span>
              </div>
              <div className="list-side">
                <button
                  type="button"
                  className="btn btn-primary btn-small"
                  disabled={busyId === c.id}
                  data-testid={`accept-${c.id}`}
                  onClick={() =>
                    accept.mutate(c.id, {
                      onSuccess: () =>
                        toast.push({
                          tone: 'success',
                          title: 'Proposal accepted',
                          message: `${c.title}: the company can now pay.`,
                          key: collaborationToastKey(c.id, 'ACCEPTED'),
                        }),
                    })
                  }
                >
                  Accept
                </button>
                <button
                  type="button"
                  className="btn btn-secondary btn-small"
                  disabled={busyId === c.id}
                  data-testid={`decline-${c.id}`}
                  onClick={() =>
                    decline.mutate(c.id, {
                      onSuccess: () => toast.push({ tone: 'info', title: 'Proposal declined', message: c.title, key: collaborationToastKey(c.id, 'DECLINED') }),
                    })
                  }
                >
                  Decline
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
