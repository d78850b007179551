/**
 * The milestone state machine: a pure function from (snapshot, event) to a decision, like the payment machine.
 * - 'apply'  : the event moves the milestone
 * - 'ignore' : nothing to do (e.g. auto-release of a milestone the company already approved) — not an error
 * - 'reject' : the command is illegal in this state (HTTP 409 with `code`)
 *
 *   PENDING ──submit──▶ SUBMITTED ──request changes──▶ CHANGES_REQUESTED ──submit──▶ SUBMITTED …
 *   PENDING | SUBMITTED | CHANGES_REQUESTED ──approve / release──▶ RELEASED   (auto-release: from SUBMITTED only)
 *   PENDING | SUBMITTED | CHANGES_REQUESTED ──dispute opened──▶ DISPUTED ──withdrawn──▶ (the state before)
 *   DISPUTED ──resolved──▶ RELEASED | REFUNDED
 *   PENDING | SUBMITTED | CHANGES_REQUESTED ──refund (of everything still held)──▶ REFUNDED
 */
export const MILESTONE_STATUSES = ['PENDING', 'SUBMITTED', 'CHANGES_REQUESTED', 'RELEASED', 'DISPUTED', 'REFUNDED'] as const;
export type MilestoneStatus = (typeof MILESTONE_STATUSES)[number];

/** States whose money is still held and not frozen. */
export const OPEN_MILESTONE: readonly MilestoneStatus[] = ['PENDING', 'SUBMITTED', 'CHANGES_REQUESTED'];

export interface MilestoneSnapshot {
  status: MilestoneStatus;
  changeRequests: number;
  statusBeforeDispute: MilestoneStatus | null;
}

export type MilestoneEvent =
  | { type: 'SUBMIT' }
  | { type: 'REQUEST_CHANGES'; max: number }
  | { type: 'APPROVE' }
  | { type: 'AUTO_RELEASE' }
  | { type: 'DISPUTE_OPENED' }
  | { type: 'DISPUTE_WITHDRAWN' }
  | { type: 'DISPUTE_RESOLVED'; outcome: 'RELEASED' | 'REFUNDED' }
  | { type: 'REFUND' };

export type MilestoneDecision =
  { kind: 'apply'; next: MilestoneSnapshot } | { kind: 'ignore'; reason: string } | { kind: 'reject'; code: string; message: string };

const apply = (m: MilestoneSnapshot, patch: Partial<MilestoneSnapshot>): MilestoneDecision => ({ kind: 'apply', next: { ...m, ...patch } });
const ignore = (reason: string): MilestoneDecision => ({ kind: 'ignore', reason });
const reject = (code: string, message: string): MilestoneDecision => ({ kind: 'reject', code, message });

const closed = (m: MilestoneSnapshot) =>
  reject(m.status === 'RELEASED' ? 'MILESTONE_ALREADY_RELEASED' : 'MILESTONE_REFUNDED', `This milestone is already ${m.status.toLowerCase()}`);
const frozen = () => reject('DISPUTE_OPEN', 'A dispute is open on this milestone: its money is frozen until the dispute ends');

export function transition(m: MilestoneSnapshot, e: MilestoneEvent): MilestoneDecision {
  const open = OPEN_MILESTONE.includes(m.status);
  switch (e.type) {
    case 'SUBMIT':
      if (m.status === 'PENDING' || m.status === 'CHANGES_REQUESTED') return apply(m, { status: 'SUBMITTED' });
      if (m.status === 'SUBMITTED') return reject('MILESTONE_ALREADY_SUBMITTED', 'This milestone is already submitted and awaits review');
      if (m.status === 'DISPUTED') return frozen();
      return closed(m);
    case 'REQUEST_CHANGES':
      if (m.status === 'SUBMITTED') {
        if (m.changeRequests >= e.max)
          return reject('CHANGE_REQUESTS_EXHAUSTED', `Changes were already requested ${m.changeRequests} times; approve the milestone or open a dispute`);
        return apply(m, { status: 'CHANGES_REQUESTED', changeRequests: m.changeRequests + 1 });
      }
      if (m.status === 'DISPUTED') return frozen();
      if (open) return reject('MILESTONE_NOT_SUBMITTED', 'Changes can only be requested on a submitted milestone');
      return closed(m);
    case 'APPROVE':
      if (open) return apply(m, { status: 'RELEASED' });
      if (m.status === 'DISPUTED') return frozen();
      return closed(m);
    case 'AUTO_RELEASE':
      if (m.status === 'SUBMITTED') return apply(m, { status: 'RELEASED' });
      return ignore(`auto-release does not apply in ${m.status}`);
    case 'DISPUTE_OPENED':
      if (open) return apply(m, { status: 'DISPUTED', statusBeforeDispute: m.status });
      if (m.status === 'DISPUTED') return reject('DISPUTE_ALREADY_OPEN', 'A dispute is already open on this milestone');
      return reject('NOTHING_HELD', `This milestone is ${m.status.toLowerCase()}: no money is held for it`);
    case 'DISPUTE_WITHDRAWN':
      if (m.status !== 'DISPUTED') return ignore(`no dispute to withdraw in ${m.status}`);
      return apply(m, { status: m.statusBeforeDispute ?? 'PENDING', statusBeforeDispute: null });
    case 'DISPUTE_RESOLVED':
      if (m.status !== 'DISPUTED') return ignore(`no dispute to resolve in ${m.status}`);
      return apply(m, { status: e.outcome, statusBeforeDispute: null });
    case 'REFUND':
      if (open) return apply(m, { status: 'REFUNDED' });
      if (m.status === 'DISPUTED') return frozen();
      return ignore(`refund does not apply in ${m.status}`);
  }
}
