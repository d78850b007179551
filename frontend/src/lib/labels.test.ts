import { humanError, humanizeValidation } from './errors';
import { humanize, statusCodes, statusLabel } from './labels';

describe('status labels', () => {
  it('gives every known code a label, a tone and an explanation in plain words', () => {
    for (const kind of ['payment', 'collaboration', 'milestone', 'payout', 'connect', 'invoice', 'retainer', 'dispute'] as const) {
      for (const code of statusCodes(kind)) {
        const l = statusLabel(kind, code);
        expect(l.label).not.toMatch(/_/);
        expect(l.label).not.toBe(code);
        expect(l.explanation.length).toBeGreaterThan(5);
      }
    }
  });

  it('reads the codes people complained about as words', () => {
    expect(statusLabel('payment', 'PARTIALLY_RELEASED').label).toBe('Partly released');
    expect(statusLabel('connect', 'NOT_STARTED').label).toBe('Not set up');
    expect(statusLabel('payout', 'IN_TRANSIT').label).toBe('On its way');
    expect(statusLabel('payment', 'HELD')).toMatchObject({ label: 'Held in escrow', tone: 'success' });
  });

  it('is case-insensitive (Stripe invoice statuses are lowercase)', () => {
    expect(statusLabel('invoice', 'open').label).toBe('Due');
    expect(statusLabel('retainer', 'past_due')).toMatchObject({ label: 'Payment failed', tone: 'error' });
  });

  it('the same code means different things for different objects', () => {
    expect(statusLabel('payout', 'PENDING').label).not.toBe(statusLabel('milestone', 'PENDING').label);
  });

  it('turns a code it does not know yet into words instead of showing it raw', () => {
    expect(statusLabel('payment', 'SOME_NEW_STATE')).toEqual({ label: 'Some new state', tone: 'neutral', explanation: '' });
    expect(humanize('REQUIRES_ACTION')).toBe('Requires action');
    expect(statusLabel('payment', undefined).label).toBe('Unknown');
  });
});

describe('human error messages', () => {
  it('maps stable codes to sentences for people', () => {
    expect(humanError({ status: 404, code: 'INFLUENCER_NOT_FOUND', message: 'influencerId does not name an influencer' })).toMatch(/No influencer has that id/);
    expect(humanError({ status: 409, code: 'PAYOUTS_NOT_ENABLED', message: 'x' })).toMatch(/Set up payouts first/);
  });

  it('rewrites validation messages it has no code for', () => {
    expect(humanError({ status: 400, code: 'VALIDATION_FAILED', message: 'title must be shorter than or equal to 200 characters' })).toBe(
      'Title: use at most 200 characters.',
    );
    expect(humanizeValidation('influencerId must be a UUID; amount must not be less than 1')).toBe(
      'Influencer: is not a valid id. Amount: must be at least 1.',
    );
  });

  it('falls back per HTTP status, never showing a developer message or a 500 text', () => {
    expect(humanError({ status: 409, code: 'SOMETHING_NEW', message: 'state machine says no' })).toMatch(/current state/);
    expect(humanError({ status: 500, code: 'INTERNAL_ERROR', message: 'TypeError: x is undefined' })).toBe(
      'Something went wrong on our side. Try again in a moment.',
    );
  });
});
