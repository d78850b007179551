import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { ErrorMessage, FormError, Spinner } from '../../../components/QueryState';
import { StatusBadge } from '../../../components/StatusBadge';
import { useToast } from '../../../components/toast/toast-context';
import { errorMessage } from '../../../lib/api-client';
import { formatDateTime } from '../../../lib/format';
import { formatMoney } from '../../../lib/money';
import { useAuth } from '../../auth/hooks/use-auth';
import { parseLinks } from '../../milestones/components/milestone-words';
import { usePostDisputeMessage, useWithdrawDispute } from '../api/dispute-actions.api';
import { useDispute } from '../api/get-dispute.api';
import { reasonLabel, type Dispute } from '../api/types';
import { ResolveDisputeForm } from './ResolveDisputeForm';

const WHO: Record<string, string> = { company: 'Company', influencer: 'Influencer', admin: 'CollabPay (admin)' };

function Outcome({ d }: { d: Dispute }) {
  const money = (a: number) => formatMoney({ amount: a, currency: d.currency });
  if (d.status === 'WITHDRAWN') return <p className="alert alert-success">Withdrawn: the money is no longer frozen.</p>;
  if (d.status === 'RESOLVED' && d.resolution) {
    const r = d.resolution;
    return (
      <div className="alert alert-success" data-testid="dispute-resolution">
        <span>
          Resolved: {money(r.releaseAmount)} released to the influencer{r.influencerAmount !== undefined ? ` (${money(r.influencerAmount)} after the fee)` : ''}
          , {money(r.refundAmount)} refunded to the company.
        </span>
        <span>“{r.note}”</span>
      </div>
    );
  }
  return (
    <p className="alert alert-warning" data-testid="frozen-notice">
      {money(d.amount)} is frozen while this dispute is open.
    </p>
  );
}

function MessageForm({ disputeId }: { disputeId: string }) {
  const [body, setBody] = useState('');
  const [links, setLinks] = useState('');
  const [error, setError] = useState<string | null>(null);
  const mutation = usePostDisputeMessage();
  const send = (e: FormEvent) => {
    e.preventDefault();
    const text = body.trim();
    const parsed = parseLinks(links);
    const problem = !text ? 'Write a message' : text.length > 5000 ? 'At most 5000 characters' : (parsed.error ?? null);
    setError(problem);
    if (problem) return;
    mutation.mutate({ disputeId, body: text, links: parsed.links }, { onSuccess: () => (setBody(''), setLinks('')) });
  };
  return (
    <form className="form subform" onSubmit={send} noValidate aria-label="Reply">
      <FormError message={mutation.error ? errorMessage(mutation.error) : null} />
      <div className="field">
        <label htmlFor="dispute-message">Message</label>
        <textarea
          id="dispute-message"
          rows={3}
          value={body}
          onChange={(e) => setBody(e.target.value)}
          aria-invalid={!!error}
          aria-describedby={error ? 'dispute-message-error' : undefined}
        />
        {error && (
          <p id="dispute-message-error" className="field-error">
            {error}
          </p>
        )}
      </div>
      <div className="field">
        <label htmlFor="dispute-message-links">Links (optional, one per line)</label>
        <textarea id="dispute-message-links" rows={1} value={links} onChange={(e) => setLinks(e.target.value)} />
      </div>
      <button type="submit" className="btn btn-primary" disabled={mutation.isPending}>
        {mutation.isPending ? 'Sending…' : 'Send message'}
      </button>
    </form>
  );
}

/** One dispute: what is frozen, the thread for both parties and admins, withdraw (opener), resolve (admin). */
export function DisputeThread({ id }: { id: string }) {
  const { user } = useAuth();
  const isAdmin = user?.role === 'admin';
  // admins get no realtime events: keep their view fresh while the dispute is open
  const query = useDispute(id, { refetchInterval: isAdmin ? 10_000 : undefined });
  const withdraw = useWithdrawDispute();
  const toast = useToast();
  if (query.isPending) return <Spinner label="Loading dispute…" />;
  if (query.isError) return <ErrorMessage error={query.error} onRetry={() => query.refetch()} />;
  const d = query.data;
  const open = d.status === 'OPEN';
  return (
    <article className="stack">
      <header className="page-header">
        <div>
          <h1>Dispute: {reasonLabel(d.reason)}</h1>
          <p className="muted">
            Opened {formatDateTime(d.createdAt)} by the {d.openedBy === d.companyId ? 'company' : d.openedBy === d.influencerId ? 'influencer' : 'other party'}
            {!isAdmin && (
              <>
                {' · '}
                <Link to={`/collaborations/${d.collaborationId}`}>Back to the collaboration</Link>
              </>
            )}
          </p>
        </div>
        <StatusBadge kind="dispute" status={d.status} testId="dispute-status" />
      </header>
      <Outcome d={d} />
      <section className="card" aria-labelledby="thread-title">
        <h2 id="thread-title">Conversation</h2>
        <ol className="thread" data-testid="dispute-thread">
          <li className="thread-item">
            <p>
              <strong>{d.openedBy === d.companyId ? WHO.company : WHO.influencer}</strong> <span className="muted">{formatDateTime(d.createdAt)}</span>
            </p>
            <p>{d.details}</p>
          </li>
          {d.messages.map((m) => (
            <li key={m.id} className={m.authorRole === 'admin' ? 'thread-item thread-admin' : 'thread-item'} data-testid="dispute-message">
              <p>
                <strong>{WHO[m.authorRole] ?? m.authorRole}</strong> <span className="muted">{formatDateTime(m.createdAt)}</span>
              </p>
              <p>{m.body}</p>
              {m.links.length > 0 && (
                <ul className="history-links">
                  {m.links.map((l) => (
                    <li key={l}>
                      <a href={l} target="_blank" rel="noopener noreferrer nofollow">
                        {l}
                      </a>
                    </li>
                  ))}
                </ul>
              )}
            </li>
          ))}
        </ol>
        {open && <MessageForm disputeId={d.id} />}
        {open && user?.id === d.openedBy && (
          <div className="actions">
            <FormError message={withdraw.error ? errorMessage(withdraw.error) : null} />
            <button
              type="button"
              className="btn btn-secondary"
              disabled={withdraw.isPending}
              onClick={() =>
                withdraw.mutate(d.id, { onSuccess: () => toast.push({ tone: 'info', title: 'Dispute withdrawn', message: 'The money is no longer frozen.' }) })
              }
            >
              Withdraw dispute
            </button>
          </div>
        )}
      </section>
      {isAdmin && open && <ResolveDisputeForm dispute={d} />}
    </article>
  );
}
