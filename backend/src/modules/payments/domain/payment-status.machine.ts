/**
 * The payment state machine: a pure function from (snapshot, event) to a decision.
 * - 'apply'  : the event moves the payment (new status and amounts)
 * - 'ignore' : the event is stale or a duplicate (e.g. payment_failed after succeeded) — not an error
 * - 'reject' : the command is illegal in this state (HTTP 409 with `code`)
 */
export const PAYMENT_STATUSES = [
  'PENDING',
  'PROCESSING',
  'HELD',
  'PARTIALLY_RELEASED',
  'RELEASED',
  'PARTIALLY_REFUNDED',
  'REFUNDED',
  'FAILED',
  'CANCELED',
  'DISPUTED',
] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

export interface PaymentSnapshot {
  status: PaymentStatus;
  amount: number;
  amountReleased: number;
  amountRefunded: number;
  statusBeforeDispute: PaymentStatus | null;
}

export type PaymentEvent =
  | { type: 'INTENT_PROCESSING' }
  | { type: 'INTENT_SUCCEEDED' }
  | { type: 'INTENT_FAILED'; message?: string }
  | { type: 'INTENT_CANCELED' }
  | { type: 'RELEASE'; amount: number }
  | { type: 'REFUND'; amount: number }
  | { type: 'DISPUTE_OPENED' }
  | { type: 'DISPUTE_WON' }
  | { type: 'DISPUTE_LOST' };

export type Decision = { kind: 'apply'; next: PaymentSnapshot } | { kind: 'ignore'; reason: string } | { kind: 'reject'; code: string; message: string };

/** States in which the platform holds (some of) the money. */
export const FUNDED_OPEN: readonly PaymentStatus[] = ['HELD', 'PARTIALLY_RELEASED', 'PARTIALLY_REFUNDED'];
export const PRE_FUNDING: readonly PaymentStatus[] = ['PENDING', 'PROCESSING', 'FAILED'];

export const heldRemaining = (p: Pick<PaymentSnapshot, 'amount' | 'amountReleased' | 'amountRefunded'>) => p.amount - p.amountReleased - p.amountRefunded;

/** The status that the amounts imply once funded and not disputed. */
export function fundedStatus(p: Pick<PaymentSnapshot, 'amount' | 'amountReleased' | 'amountRefunded'>): PaymentStatus {
  const remaining = heldRemaining(p);
  if (remaining === p.amount) return 'HELD';
  if (remaining === 0) return p.amountReleased > 0 ? 'RELEASED' : 'REFUNDED';
  return p.amountRefunded > 0 ? 'PARTIALLY_REFUNDED' : 'PARTIALLY_RELEASED';
}

const apply = (p: PaymentSnapshot, patch: Partial<PaymentSnapshot>): Decision => ({ kind: 'apply', next: { ...p, ...patch } });
const ignore = (reason: string): Decision => ({ kind: 'ignore', reason });
const reject = (code: string, message: string): Decision => ({ kind: 'reject', code, message });

function moveMoney(p: PaymentSnapshot, kind: 'RELEASE' | 'REFUND', amount: number): Decision {
  if (p.status === 'DISPUTED') return reject('PAYMENT_DISPUTED', 'A dispute is open on this payment: held funds are frozen until it is resolved');
  if (!FUNDED_OPEN.includes(p.status)) {
    return reject('PAYMENT_NOT_HELD', `Payment is ${p.status}; only funds still held by CollabPay can be ${kind === 'RELEASE' ? 'released' : 'refunded'}`);
  }
  if (!Number.isSafeInteger(amount) || amount <= 0) return reject('INVALID_AMOUNT', 'amount must be a positive integer');
  const remaining = heldRemaining(p);
  if (amount > remaining) return reject('AMOUNT_EXCEEDS_HELD', `Only ${remaining} (minor units) is still held`);
  const amounts = kind === 'RELEASE' ? { amountReleased: p.amountReleased + amount } : { amountRefunded: p.amountRefunded + amount };
  const next = { ...p, ...amounts };
  return apply(p, { ...amounts, status: fundedStatus(next) });
}

export function transition(p: PaymentSnapshot, e: PaymentEvent): Decision {
  switch (e.type) {
    case 'INTENT_PROCESSING':
      if (p.status === 'PENDING' || p.status === 'FAILED') return apply(p, { status: 'PROCESSING' });
      return ignore(`processing is stale in ${p.status}`);
    case 'INTENT_SUCCEEDED':
      if (PRE_FUNDING.includes(p.status)) return apply(p, { status: 'HELD' });
      return ignore(`succeeded is stale or duplicate in ${p.status}`);
    case 'INTENT_FAILED':
      // Only a payment that has not been funded can fail; a failure after success is stale.
      if (p.status === 'PENDING' || p.status === 'PROCESSING') return apply(p, { status: 'FAILED' });
      return ignore(`payment_failed is stale in ${p.status}`);
    case 'INTENT_CANCELED':
      if (PRE_FUNDING.includes(p.status)) return apply(p, { status: 'CANCELED' });
      return ignore(`canceled is stale in ${p.status}`);
    case 'RELEASE':
    case 'REFUND':
      return moveMoney(p, e.type, e.amount);
    case 'DISPUTE_OPENED':
      if (p.status === 'DISPUTED') return ignore('dispute already open');
      if ([...FUNDED_OPEN, 'RELEASED', 'REFUNDED'].includes(p.status)) return apply(p, { status: 'DISPUTED', statusBeforeDispute: p.status });
      return ignore(`no funds to dispute in ${p.status}`);
    case 'DISPUTE_WON':
      if (p.status !== 'DISPUTED') return ignore(`no open dispute in ${p.status}`);
      return apply(p, { status: p.statusBeforeDispute ?? fundedStatus(p), statusBeforeDispute: null });
    case 'DISPUTE_LOST': {
      if (p.status !== 'DISPUTED') return ignore(`no open dispute in ${p.status}`);
      // What is still held goes back to the card holder through the chargeback.
      const amountRefunded = p.amountRefunded + heldRemaining(p);
      const next = { ...p, amountRefunded };
      return apply(p, { amountRefunded, status: fundedStatus(next), statusBeforeDispute: null });
    }
  }
}
