import type { CollaborationUpdateEvent, DisputeUpdateEvent } from '../../../lib/socket';
import { milestoneStatusWords } from '../../milestones/components/milestone-words';
import { collaborationToast, disputeToast } from './realtime-messages';

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
