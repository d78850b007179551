import fc from 'fast-check';
import { fundedStatus, heldRemaining, PAYMENT_STATUSES, PaymentEvent, PaymentSnapshot, PaymentStatus, transition } from './payment-status.machine';

const snap = (
  status: PaymentStatus,
  amountReleased = 0,
  amountRefunded = 0,
  amount = 1000,
  statusBeforeDispute: PaymentStatus | null = null,
): PaymentSnapshot => ({
  status,
  amount,
  amountReleased,
  amountRefunded,
  statusBeforeDispute,
});

// A representative, consistent snapshot for each status.
const SAMPLE: Record<PaymentStatus, PaymentSnapshot> = {
  PENDING: snap('PENDING'),
  PROCESSING: snap('PROCESSING'),
  FAILED: snap('FAILED'),
  CANCELED: snap('CANCELED'),
  HELD: snap('HELD'),
  PARTIALLY_RELEASED: snap('PARTIALLY_RELEASED', 400),
  PARTIALLY_REFUNDED: snap('PARTIALLY_REFUNDED', 0, 300),
  RELEASED: snap('RELEASED', 1000),
  REFUNDED: snap('REFUNDED', 0, 1000),
  DISPUTED: snap('DISPUTED', 200, 0, 1000, 'PARTIALLY_RELEASED'),
};

const EVENTS: PaymentEvent[] = [
  { type: 'INTENT_PROCESSING' },
  { type: 'INTENT_SUCCEEDED' },
  { type: 'INTENT_FAILED' },
  { type: 'INTENT_CANCELED' },
  { type: 'RELEASE', amount: 100 },
  { type: 'REFUND', amount: 100 },
  { type: 'DISPUTE_OPENED' },
  { type: 'DISPUTE_WON' },
  { type: 'DISPUTE_LOST' },
];

// The whole table: for every status and event, what happens. a:<status> apply, i ignore, r:<code> reject.
const TABLE: Record<PaymentStatus, string[]> = {
  //            processing      succeeded   failed      canceled       release                  refund                   dispute_opened  won                         lost
  PENDING: ['a:PROCESSING', 'a:HELD', 'a:FAILED', 'a:CANCELED', 'r:PAYMENT_NOT_HELD', 'r:PAYMENT_NOT_HELD', 'i', 'i', 'i'],
  PROCESSING: ['i', 'a:HELD', 'a:FAILED', 'a:CANCELED', 'r:PAYMENT_NOT_HELD', 'r:PAYMENT_NOT_HELD', 'i', 'i', 'i'],
  FAILED: ['a:PROCESSING', 'a:HELD', 'i', 'a:CANCELED', 'r:PAYMENT_NOT_HELD', 'r:PAYMENT_NOT_HELD', 'i', 'i', 'i'],
  CANCELED: ['i', 'i', 'i', 'i', 'r:PAYMENT_NOT_HELD', 'r:PAYMENT_NOT_HELD', 'i', 'i', 'i'],
  HELD: ['i', 'i', 'i', 'i', 'a:PARTIALLY_RELEASED', 'a:PARTIALLY_REFUNDED', 'a:DISPUTED', 'i', 'i'],
  PARTIALLY_RELEASED: ['i', 'i', 'i', 'i', 'a:PARTIALLY_RELEASED', 'a:PARTIALLY_REFUNDED', 'a:DISPUTED', 'i', 'i'],
  PARTIALLY_REFUNDED: ['i', 'i', 'i', 'i', 'a:PARTIALLY_REFUNDED', 'a:PARTIALLY_REFUNDED', 'a:DISPUTED', 'i', 'i'],
  RELEASED: ['i', 'i', 'i', 'i', 'r:PAYMENT_NOT_HELD', 'r:PAYMENT_NOT_HELD', 'a:DISPUTED', 'i', 'i'],
  REFUNDED: ['i', 'i', 'i', 'i', 'r:PAYMENT_NOT_HELD', 'r:PAYMENT_NOT_HELD', 'a:DISPUTED', 'i', 'i'],
  DISPUTED: ['i', 'i', 'i', 'i', 'r:PAYMENT_DISPUTED', 'r:PAYMENT_DISPUTED', 'i', 'a:PARTIALLY_RELEASED', 'a:RELEASED'],
};

describe('payment state machine', () => {
  it('covers every status', () => {
    expect(Object.keys(TABLE).sort()).toEqual([...PAYMENT_STATUSES].sort());
  });

  for (const status of PAYMENT_STATUSES) {
    EVENTS.forEach((event, i) => {
      const expected = TABLE[status][i];
      it(`${status} + ${event.type} → ${expected}`, () => {
        const d = transition(SAMPLE[status], event);
        if (expected === 'i') expect(d.kind).toBe('ignore');
        else if (expected.startsWith('a:')) {
          expect(d).toMatchObject({ kind: 'apply', next: { status: expected.slice(2) } });
        } else expect(d).toMatchObject({ kind: 'reject', code: expected.slice(2) });
      });
    });
  }

  it('releases and refunds only what is still held', () => {
    expect(transition(snap('HELD'), { type: 'RELEASE', amount: 1000 })).toMatchObject({ kind: 'apply', next: { status: 'RELEASED', amountReleased: 1000 } });
    expect(transition(snap('HELD'), { type: 'REFUND', amount: 1000 })).toMatchObject({ kind: 'apply', next: { status: 'REFUNDED', amountRefunded: 1000 } });
    expect(transition(snap('PARTIALLY_RELEASED', 600), { type: 'RELEASE', amount: 401 })).toMatchObject({ kind: 'reject', code: 'AMOUNT_EXCEEDS_HELD' });
    expect(transition(snap('PARTIALLY_RELEASED', 600), { type: 'REFUND', amount: 400 })).toMatchObject({ kind: 'apply', next: { status: 'RELEASED' } });
    expect(transition(snap('HELD'), { type: 'RELEASE', amount: 0 })).toMatchObject({ kind: 'reject', code: 'INVALID_AMOUNT' });
    expect(transition(snap('HELD'), { type: 'RELEASE', amount: 1.5 })).toMatchObject({ kind: 'reject', code: 'INVALID_AMOUNT' });
  });

  it('a lost dispute gives back what is still held; a won one restores the previous status', () => {
    const disputed = snap('DISPUTED', 300, 0, 1000, 'PARTIALLY_RELEASED');
    expect(transition(disputed, { type: 'DISPUTE_LOST' })).toMatchObject({
      kind: 'apply',
      next: { status: 'RELEASED', amountRefunded: 700, amountReleased: 300 },
    });
    expect(transition(snap('DISPUTED', 0, 0, 1000, 'HELD'), { type: 'DISPUTE_LOST' })).toMatchObject({
      kind: 'apply',
      next: { status: 'REFUNDED', amountRefunded: 1000 },
    });
    expect(transition(snap('DISPUTED', 0, 0, 1000, 'HELD'), { type: 'DISPUTE_WON' })).toMatchObject({
      kind: 'apply',
      next: { status: 'HELD', statusBeforeDispute: null },
    });
  });

  const eventArb: fc.Arbitrary<PaymentEvent> = fc.oneof(
    fc.constantFrom<PaymentEvent>(
      { type: 'INTENT_PROCESSING' },
      { type: 'INTENT_SUCCEEDED' },
      { type: 'INTENT_FAILED' },
      { type: 'INTENT_CANCELED' },
      { type: 'DISPUTE_OPENED' },
      { type: 'DISPUTE_WON' },
      { type: 'DISPUTE_LOST' },
    ),
    fc.record({ type: fc.constantFrom('RELEASE' as const, 'REFUND' as const), amount: fc.integer({ min: -5, max: 1500 }) }),
  );

  it('never loses or invents money over random event sequences (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.array(eventArb, { maxLength: 60 }), (amount, events) => {
        let p = snap('PENDING', 0, 0, amount);
        let funded = false;
        for (const e of events) {
          const d = transition(p, e);
          if (d.kind !== 'apply') {
            // ignoring or rejecting never changes anything
            continue;
          }
          const n = d.next;
          expect(PAYMENT_STATUSES).toContain(n.status);
          expect(n.amountReleased).toBeGreaterThanOrEqual(p.amountReleased); // monotone
          expect(n.amountRefunded).toBeGreaterThanOrEqual(p.amountRefunded);
          expect(heldRemaining(n)).toBeGreaterThanOrEqual(0);
          if (n.amountReleased + n.amountRefunded > 0) expect(funded).toBe(true); // money moves only after funding
          if (n.status === 'HELD') funded = true;
          if (!['DISPUTED', ...['PENDING', 'PROCESSING', 'FAILED', 'CANCELED']].includes(n.status)) expect(n.status).toBe(fundedStatus(n));
          p = n;
        }
        // once funded, intent events can never un-fund it
        if (funded) for (const t of ['INTENT_FAILED', 'INTENT_CANCELED', 'INTENT_PROCESSING'] as const) expect(transition(p, { type: t }).kind).toBe('ignore');
      }),
      { numRuns: 500 },
    );
  });

  it('is order-insensitive for intent events: any order of {processing, succeeded, failed} containing succeeded ends HELD', () => {
    fc.assert(
      fc.property(fc.shuffledSubarray(['INTENT_PROCESSING', 'INTENT_FAILED', 'INTENT_PROCESSING', 'INTENT_FAILED'] as const), fc.nat(4), (others, pos) => {
        const seq: PaymentEvent['type'][] = [...others];
        seq.splice(Math.min(pos, seq.length), 0, 'INTENT_SUCCEEDED');
        let p = snap('PENDING');
        for (const t of seq) {
          const d = transition(p, { type: t } as PaymentEvent);
          if (d.kind === 'apply') p = d.next;
        }
        expect(p.status).toBe('HELD');
      }),
    );
  });
});
