import { autoReleaseSoonEmail, emailFor, requirementsDueEmail } from './email-kinds';

describe('emailFor: which realtime events become email', () => {
  it('a payment held → payment_held, one key per payment (a second HELD announcement is the same email)', () => {
    expect(emailFor('payment:update', { paymentId: 'p1', status: 'HELD' }, 1)).toEqual({ kind: 'payment_held', dedupeKey: 'payment_held:p1' });
    expect(emailFor('payment:update', { paymentId: 'p1', status: 'HELD' }, 2)).toEqual({ kind: 'payment_held', dedupeKey: 'payment_held:p1' });
  });
  it('each release is its own email (several milestones)', () => {
    expect(emailFor('payment:update', { paymentId: 'p1', status: 'PARTIALLY_RELEASED' }, 7)).toEqual({
      kind: 'payment_released',
      dedupeKey: 'payment_released:7',
    });
    expect(emailFor('payment:update', { paymentId: 'p1', status: 'RELEASED' }, 8)).toEqual({ kind: 'payment_released', dedupeKey: 'payment_released:8' });
  });
  it('payouts: paid and failed only', () => {
    expect(emailFor('payout:update', { payoutId: 'x', status: 'COMPLETED' }, 1)?.kind).toBe('payout_paid');
    expect(emailFor('payout:update', { payoutId: 'x', status: 'FAILED' }, 1)?.kind).toBe('payout_failed');
    expect(emailFor('payout:update', { payoutId: 'x', status: 'IN_TRANSIT' }, 1)).toBeNull();
    expect(emailFor('payout:update', { payoutId: 'x', status: 'PENDING' }, 1)).toBeNull();
  });
  it('collaborations: proposals, submissions and change requests', () => {
    expect(emailFor('collaboration:update', { collaborationId: 'c', status: 'PROPOSED' }, 1)?.kind).toBe('collaboration_proposed');
    expect(emailFor('collaboration:update', { collaborationId: 'c', status: 'ACTIVE', milestoneStatus: 'SUBMITTED' }, 1)?.kind).toBe('milestone_submitted');
    expect(emailFor('collaboration:update', { collaborationId: 'c', status: 'ACTIVE', milestoneStatus: 'CHANGES_REQUESTED' }, 1)?.kind).toBe(
      'changes_requested',
    );
    expect(emailFor('collaboration:update', { collaborationId: 'c', status: 'ACCEPTED' }, 1)).toBeNull();
  });
  it('no email for wallet updates, failed or pending payments, or unknown events', () => {
    expect(emailFor('wallet:update', { currency: 'usd' }, 1)).toBeNull();
    expect(emailFor('payment:update', { paymentId: 'p', status: 'FAILED' }, 1)).toBeNull();
    expect(emailFor('payment:update', { paymentId: 'p', status: 'PENDING' }, 1)).toBeNull();
    expect(emailFor('something:else', {}, 1)).toBeNull();
  });
});

describe('requirementsDueEmail / autoReleaseSoonEmail: one email per real event', () => {
  const base = { detailsSubmitted: true, currentlyDue: ['b', 'a'], pastDue: [] as string[], currentDeadline: 1800000000 };
  it('one key per set of fields due and deadline, whatever the order; none during onboarding or with nothing due', () => {
    const key = requirementsDueEmail('acct_1', base)!.dedupeKey;
    expect(requirementsDueEmail('acct_1', base)).toEqual({ kind: 'requirements_due', dedupeKey: key });
    expect(requirementsDueEmail('acct_1', { ...base, currentlyDue: ['a', 'b', 'a'] })!.dedupeKey).toBe(key);
    expect(requirementsDueEmail('acct_1', { ...base, currentDeadline: 1800000001 })!.dedupeKey).not.toBe(key);
    expect(requirementsDueEmail('acct_1', { ...base, currentlyDue: ['a'] })!.dedupeKey).not.toBe(key);
    expect(requirementsDueEmail('acct_1', { ...base, pastDue: ['a'], currentDeadline: null })!.dedupeKey).not.toBe(key);
    expect(requirementsDueEmail('acct_2', base)!.dedupeKey).not.toBe(key);
    expect(requirementsDueEmail('acct_1', { ...base, detailsSubmitted: false })).toBeNull();
    expect(requirementsDueEmail('acct_1', { ...base, currentlyDue: [] })).toBeNull();
  });
  it('one auto-release reminder per submission (a resubmission has a new review end)', () => {
    const at = new Date('2026-12-01T12:00:00Z');
    expect(autoReleaseSoonEmail('m1', at)).toEqual({ kind: 'auto_release_soon', dedupeKey: 'auto_release_soon:m1:2026-12-01T12:00:00.000Z' });
    expect(autoReleaseSoonEmail('m1', new Date(at.getTime() + 1)).dedupeKey).not.toBe(autoReleaseSoonEmail('m1', at).dedupeKey);
  });
});
