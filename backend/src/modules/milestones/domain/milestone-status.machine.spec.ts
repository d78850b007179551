import { MILESTONE_STATUSES, MilestoneEvent, MilestoneSnapshot, MilestoneStatus, transition } from './milestone-status.machine';

const snap = (status: MilestoneStatus, changeRequests = 0, statusBeforeDispute: MilestoneStatus | null = null): MilestoneSnapshot => ({
  status,
  changeRequests,
  statusBeforeDispute,
});

type Expect = MilestoneStatus | `reject:${string}` | 'ignore';
const EVENTS: Record<string, MilestoneEvent> = {
  SUBMIT: { type: 'SUBMIT' },
  REQUEST_CHANGES: { type: 'REQUEST_CHANGES', max: 3 },
  APPROVE: { type: 'APPROVE' },
  AUTO_RELEASE: { type: 'AUTO_RELEASE' },
  DISPUTE_OPENED: { type: 'DISPUTE_OPENED' },
  DISPUTE_WITHDRAWN: { type: 'DISPUTE_WITHDRAWN' },
  RESOLVED_RELEASED: { type: 'DISPUTE_RESOLVED', outcome: 'RELEASED' },
  RESOLVED_REFUNDED: { type: 'DISPUTE_RESOLVED', outcome: 'REFUNDED' },
  REFUND: { type: 'REFUND' },
};

/** Every (state, event) pair and what it must do. DISPUTED was entered from SUBMITTED here. */
const TABLE: Record<MilestoneStatus, Record<keyof typeof EVENTS, Expect>> = {
  PENDING: {
    SUBMIT: 'SUBMITTED',
    REQUEST_CHANGES: 'reject:MILESTONE_NOT_SUBMITTED',
    APPROVE: 'RELEASED',
    AUTO_RELEASE: 'ignore',
    DISPUTE_OPENED: 'DISPUTED',
    DISPUTE_WITHDRAWN: 'ignore',
    RESOLVED_RELEASED: 'ignore',
    RESOLVED_REFUNDED: 'ignore',
    REFUND: 'REFUNDED',
  },
  SUBMITTED: {
    SUBMIT: 'reject:MILESTONE_ALREADY_SUBMITTED',
    REQUEST_CHANGES: 'CHANGES_REQUESTED',
    APPROVE: 'RELEASED',
    AUTO_RELEASE: 'RELEASED',
    DISPUTE_OPENED: 'DISPUTED',
    DISPUTE_WITHDRAWN: 'ignore',
    RESOLVED_RELEASED: 'ignore',
    RESOLVED_REFUNDED: 'ignore',
    REFUND: 'REFUNDED',
  },
  CHANGES_REQUESTED: {
    SUBMIT: 'SUBMITTED',
    REQUEST_CHANGES: 'reject:MILESTONE_NOT_SUBMITTED',
    APPROVE: 'RELEASED',
    AUTO_RELEASE: 'ignore',
    DISPUTE_OPENED: 'DISPUTED',
    DISPUTE_WITHDRAWN: 'ignore',
    RESOLVED_RELEASED: 'ignore',
    RESOLVED_REFUNDED: 'ignore',
    REFUND: 'REFUNDED',
  },
  DISPUTED: {
    SUBMIT: 'reject:DISPUTE_OPEN',
    REQUEST_CHANGES: 'reject:DISPUTE_OPEN',
    APPROVE: 'reject:DISPUTE_OPEN',
    AUTO_RELEASE: 'ignore',
    DISPUTE_OPENED: 'reject:DISPUTE_ALREADY_OPEN',
    DISPUTE_WITHDRAWN: 'SUBMITTED',
    RESOLVED_RELEASED: 'RELEASED',
    RESOLVED_REFUNDED: 'REFUNDED',
    REFUND: 'reject:DISPUTE_OPEN',
  },
  RELEASED: {
    SUBMIT: 'reject:MILESTONE_ALREADY_RELEASED',
    REQUEST_CHANGES: 'reject:MILESTONE_ALREADY_RELEASED',
    APPROVE: 'reject:MILESTONE_ALREADY_RELEASED',
    AUTO_RELEASE: 'ignore',
    DISPUTE_OPENED: 'reject:NOTHING_HELD',
    DISPUTE_WITHDRAWN: 'ignore',
    RESOLVED_RELEASED: 'ignore',
    RESOLVED_REFUNDED: 'ignore',
    REFUND: 'ignore',
  },
  REFUNDED: {
    SUBMIT: 'reject:MILESTONE_REFUNDED',
    REQUEST_CHANGES: 'reject:MILESTONE_REFUNDED',
    APPROVE: 'reject:MILESTONE_REFUNDED',
    AUTO_RELEASE: 'ignore',
    DISPUTE_OPENED: 'reject:NOTHING_HELD',
    DISPUTE_WITHDRAWN: 'ignore',
    RESOLVED_RELEASED: 'ignore',
    RESOLVED_REFUNDED: 'ignore',
    REFUND: 'ignore',
  },
};

describe('milestone state machine', () => {
  const cases = MILESTONE_STATUSES.flatMap((s) => Object.keys(EVENTS).map((e) => [s, e, TABLE[s][e]] as const));

  it('the table covers every state × every event', () => {
    expect(cases).toHaveLength(MILESTONE_STATUSES.length * Object.keys(EVENTS).length);
  });

  it.each(cases)('%s + %s → %s', (status, event, expected) => {
    const d = transition(snap(status, 0, status === 'DISPUTED' ? 'SUBMITTED' : null), EVENTS[event]);
    if (expected === 'ignore') expect(d.kind).toBe('ignore');
    else if (expected.startsWith('reject:')) expect(d).toMatchObject({ kind: 'reject', code: expected.slice(7) });
    else expect(d).toMatchObject({ kind: 'apply', next: { status: expected } });
  });

  it('counts change requests and refuses the one past the maximum', () => {
    let m = snap('SUBMITTED');
    for (let i = 1; i <= 3; i++) {
      const d = transition(m, { type: 'REQUEST_CHANGES', max: 3 });
      if (d.kind !== 'apply') throw new Error(`round ${i} refused`);
      expect(d.next.changeRequests).toBe(i);
      const again = transition(d.next, { type: 'SUBMIT' });
      if (again.kind !== 'apply') throw new Error('resubmit refused');
      m = again.next;
    }
    expect(transition(m, { type: 'REQUEST_CHANGES', max: 3 })).toMatchObject({ kind: 'reject', code: 'CHANGE_REQUESTS_EXHAUSTED' });
    // approval is still possible after the last round
    expect(transition(m, { type: 'APPROVE' })).toMatchObject({ kind: 'apply', next: { status: 'RELEASED' } });
    expect(transition(snap('SUBMITTED'), { type: 'REQUEST_CHANGES', max: 0 })).toMatchObject({ kind: 'reject', code: 'CHANGE_REQUESTS_EXHAUSTED' });
  });

  it('a dispute remembers the state it froze and a withdrawal restores it (with its change-request count)', () => {
    for (const s of ['PENDING', 'SUBMITTED', 'CHANGES_REQUESTED'] as const) {
      const opened = transition(snap(s, 2), { type: 'DISPUTE_OPENED' });
      if (opened.kind !== 'apply') throw new Error('not opened');
      expect(opened.next).toEqual({ status: 'DISPUTED', changeRequests: 2, statusBeforeDispute: s });
      expect(transition(opened.next, { type: 'DISPUTE_WITHDRAWN' })).toEqual({
        kind: 'apply',
        next: { status: s, changeRequests: 2, statusBeforeDispute: null },
      });
    }
  });

  it('is pure: the input snapshot is never changed', () => {
    const m = snap('SUBMITTED', 1);
    const copy = { ...m };
    for (const e of Object.values(EVENTS)) transition(m, e);
    expect(m).toEqual(copy);
  });
});
