import { clawbackable, validateClawback } from './ClawbackForm';

describe('validateClawback', () => {
  it('takes at most what was released and not yet clawed back', () => {
    const max = clawbackable({ amountReleased: 40000, amountClawedBack: 10000 });
    expect(max).toBe(30000);
    expect(validateClawback({ amount: '300.00', reason: 'Chargeback lost' }, max, 'usd').value).toEqual({ amount: 30000, reason: 'Chargeback lost' });
    expect(validateClawback({ amount: '300.01', reason: 'x' }, max, 'usd').errors.amount).toBe('At most $300.00 (released and not yet clawed back)');
    expect(validateClawback({ amount: '0', reason: 'x' }, max, 'usd').errors.amount).toBe('Must be greater than zero');
    expect(validateClawback({ amount: '10', reason: ' ' }, max, 'usd').errors.reason).toMatch(/Give a reason/);
  });
});
