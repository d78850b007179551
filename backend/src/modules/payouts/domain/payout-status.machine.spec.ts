import { eventForStripePayout, PAYOUT_STATUSES, PayoutEvent, PayoutStatus, transition } from './payout-status.machine';

describe('payout status machine', () => {
  const events: PayoutEvent[] = [{ type: 'STRIPE_PAYOUT_CREATED' }, { type: 'PAID' }, { type: 'FAILED', code: 'no_account', message: 'x' }];
  const expected: Record<PayoutStatus, Array<string>> = {
    // [created, paid, failed]
    PENDING: ['IN_TRANSIT/none', 'COMPLETED/paid', 'FAILED/failed'],
    IN_TRANSIT: ['ignore', 'COMPLETED/paid', 'FAILED/failed'],
    COMPLETED: ['ignore', 'ignore', 'FAILED/returned'],
    FAILED: ['ignore', 'ignore', 'ignore'],
    CANCELED: ['ignore', 'ignore', 'ignore'],
  };
  for (const s of PAYOUT_STATUSES) {
    events.forEach((e, i) => {
      it(`${s} + ${e.type} → ${expected[s][i]}`, () => {
        const d = transition(s, e);
        expect(d.kind === 'apply' ? `${d.next}/${d.ledger}` : 'ignore').toBe(expected[s][i]);
      });
    });
  }

  it('maps Stripe payout states', () => {
    expect(eventForStripePayout({ status: 'pending' })).toEqual({ type: 'STRIPE_PAYOUT_CREATED' });
    expect(eventForStripePayout({ status: 'in_transit' })).toEqual({ type: 'STRIPE_PAYOUT_CREATED' });
    expect(eventForStripePayout({ status: 'paid' })).toEqual({ type: 'PAID' });
    expect(eventForStripePayout({ status: 'failed', failure_code: 'no_account', failure_message: 'm' })).toEqual({
      type: 'FAILED',
      code: 'no_account',
      message: 'm',
    });
    expect(eventForStripePayout({ status: 'canceled' })).toMatchObject({ type: 'FAILED', code: 'canceled' });
    expect(eventForStripePayout({ status: 'weird' })).toBeNull();
  });
});
