import { useState } from 'react';
import { StatusBadge } from '../../../components/StatusBadge';
import { feeShare, formatMoney } from '../../../lib/money';
import type { Collaboration, Milestone, Payment } from '../../../types/api';
import { ApproveMilestoneDialog } from './ApproveMilestoneDialog';
import { milestoneStatusWords } from './milestone-words';
import { MilestoneHistory } from './MilestoneHistory';
import { RequestChangesDialog } from './RequestChangesDialog';
import { ReviewCountdown } from './ReviewCountdown';
import { SubmitMilestoneForm } from './SubmitMilestoneForm';

/** MAX_CHANGE_REQUESTS on the server (its default); the server refuses more with CHANGE_REQUESTS_EXHAUSTED. */
export const MAX_CHANGE_REQUESTS = 3;
const HELD = ['HELD', 'PARTIALLY_RELEASED'];

interface MilestoneListProps {
  collaboration: Collaboration;
  payment: Payment | null | undefined;
  viewer: 'company' | 'influencer' | 'other';
  /** the company's manual release (kept beside approval) */
  onRelease?: (m: Milestone) => void;
}

/** Milestones with their status in plain words, the review countdown, history and the actions of each party. */
export function MilestoneList({ collaboration: c, payment, viewer, onRelease }: MilestoneListProps) {
  const [approving, setApproving] = useState<Milestone | null>(null);
  const [changing, setChanging] = useState<Milestone | null>(null);
  const held = !!payment && HELD.includes(payment.status);
  const milestones = c.milestones ?? [];
  const fee = (m: Milestone) => (payment ? feeShare(payment.amount, payment.platformFee, payment.amountReleased ?? 0, m.amount) : 0);
  const roundsLeft = (m: Milestone) => Math.max(0, MAX_CHANGE_REQUESTS - (m.changeRequestCount ?? m.changeRequests?.length ?? 0));

  return (
    <section className="card" aria-labelledby="collab-milestones">
      <h2 id="collab-milestones">Milestones</h2>
      <ul className="milestones-list">
        {milestones.map((m) => {
          const status = m.status ?? 'PENDING';
          const canSubmit = viewer === 'influencer' && held && (status === 'PENDING' || status === 'CHANGES_REQUESTED');
          const inReview = viewer === 'company' && held && status === 'SUBMITTED';
          const canRelease = viewer === 'company' && held && !!onRelease && ['PENDING', 'CHANGES_REQUESTED'].includes(status);
          return (
            <li className="milestone" key={m.id} data-testid={`milestone-${m.id}`} aria-label={m.title}>
              <div className="milestone-head">
                <div className="list-main">
                  <span className="list-title">{m.title}</span>
                  <span className="muted">{formatMoney({ amount: m.amount, currency: c.currency })}</span>
                </div>
                <StatusBadge kind="milestone" status={status} testId={`milestone-status-${m.id}`} />
              </div>
              <p className="milestone-words" data-testid={`milestone-words-${m.id}`}>
                {milestoneStatusWords(m, viewer)}
              </p>
              {status === 'SUBMITTED' && m.reviewDueAt && <ReviewCountdown dueAt={m.reviewDueAt} viewer={viewer} testId={`milestone-countdown-${m.id}`} />}
              <MilestoneHistory milestone={m} />
              {canSubmit && <SubmitMilestoneForm collaborationId={c.id} milestone={m} />}
              {(inReview || canRelease) && (
                <div className="actions">
                  {inReview && (
                    <>
                      <button type="button" className="btn btn-primary" onClick={() => setApproving(m)}>
                        Approve
                      </button>
                      <button type="button" className="btn btn-secondary" disabled={roundsLeft(m) === 0} onClick={() => setChanging(m)}>
                        Request changes
                      </button>
                      <span className="hint">
                        {roundsLeft(m) === 0
                          ? 'No rounds of changes left: approve, or open a dispute.'
                          : `${roundsLeft(m)} round${roundsLeft(m) === 1 ? '' : 's'} of changes left`}
                      </span>
                    </>
                  )}
                  {canRelease && (
                    <button type="button" className="btn btn-secondary btn-small" onClick={() => onRelease?.(m)}>
                      Release
                    </button>
                  )}
                </div>
              )}
            </li>
          );
        })}
      </ul>
      {approving && (
        <ApproveMilestoneDialog collaborationId={c.id} milestone={approving} currency={c.currency} fee={fee(approving)} onClose={() => setApproving(null)} />
      )}
      {changing && <RequestChangesDialog collaborationId={c.id} milestone={changing} roundsLeft={roundsLeft(changing)} onClose={() => setChanging(null)} />}
    </section>
  );
}
