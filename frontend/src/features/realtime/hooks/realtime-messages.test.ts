import type { CollaborationUpdateEvent, DisputeUpdateEvent, RetainerUpdateEvent } from '../../../lib/socket';
import { milestoneStatusWords } from '../../milestones/components/milestone-words';
import { collaborationToast, disputeToast, retainerToast } from './realtime-messages';

describe('workflow toasts speak in labels, never raw codes', () => {
  it('a collaboration change without a server message names the status in words', () => {
    const t = collaborationToast({ collaborationId: 'c1', status: 'ACCEPTED' } as CollaborationUpdateEvent);
    expect(t.title).toBe('Proposal accepted');
    expect(t.message).toBe('The collaboration is now: Accepted — awaiting payment.');
  });

  it('a dispute change without a server message names the status in words', () => {
    const t = disputeToast({ disputeId: 'd1', status: 'RESOLVED' } as unknown as DisputeUpdateEvent);
    expect(t.title).toBe('Dispute resolved');
    expect(t.message).toBe('The dispute is now: Resolved.');
  });

  it('a milestone status this build does not know still reads as words', () => {
    expect(milestoneStatusWords({ id: 'm1', title: 'x', amount: 1, status: 'ON_HOLD' } as never, 'company')).toBe('On hold');
  });
});

describe('retainer toasts', () => {
  const base = { retainerId: 'r1', collaborationId: 'c1', seq: 1, timestamp: '' } as const;

  it('a scheduled end (status unchanged) reads as ending, in its own toast slot, not as "Retainer active"', () => {
    const t = retainerToast({ ...base, status: 'active', previousStatus: 'active', cancelAtPeriodEnd: true, message: 'ends on May 1' } as RetainerUpdateEvent);
    expect(t).toMatchObject({ title: 'Retainer ending', message: 'ends on May 1', key: 'retainer:r1:ending' });
    const kept = retainerToast({ ...base, status: 'active', previousStatus: 'active', cancelAtPeriodEnd: false } as RetainerUpdateEvent);
    expect(kept).toMatchObject({ title: 'Retainer continues', message: 'The monthly retainer renews as usual.', key: 'retainer:r1:continues' });
  });

  it('a status change still reads by its new status', () => {
    const ended = retainerToast({ ...base, status: 'canceled', previousStatus: 'active', cancelAtPeriodEnd: true } as RetainerUpdateEvent);
    expect(ended).toMatchObject({ title: 'Retainer ended', key: 'retainer:r1:canceled' });
    const paid = retainerToast({ ...base, status: 'active', previousStatus: 'past_due' } as RetainerUpdateEvent);
    expect(paid.title).toBe('Retainer active');
  });
});
