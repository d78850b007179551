import type { WalletTransaction } from '../../../types/api';
import { dailyEarnings } from './earnings-series';

const tx = (createdAt: string, amount: number, type: 'credit' | 'debit' = 'credit', currency = 'usd'): WalletTransaction => ({
  id: `${createdAt}-${amount}`,
  type,
  amount,
  currency,
  balanceBefore: 0,
  balanceAfter: 0,
  description: '',
  createdAt,
});

describe('dailyEarnings', () => {
  it('sums credits per UTC day, oldest first, ignoring debits and other currencies', () => {
    const series = dailyEarnings(
      [
        tx('2026-03-02T10:00:00Z', 500),
        tx('2026-03-01T23:59:59Z', 100),
        tx('2026-03-02T01:00:00Z', 250),
        tx('2026-03-02T02:00:00Z', 9999, 'debit'),
        tx('2026-03-02T03:00:00Z', 7777, 'credit', 'eur'),
      ],
      'usd',
    );
    expect(series).toEqual([
      { day: '2026-03-01', amount: 100 },
      { day: '2026-03-02', amount: 750 },
    ]);
  });

  it('leaves out money returned by a failed payout (a credit, but not an earning)', () => {
    const series = dailyEarnings(
      [
        { ...tx('2026-03-02T10:00:00Z', 9000), referenceType: 'payment' },
        { ...tx('2026-03-02T11:00:00Z', 9000, 'debit'), referenceType: 'payout' },
        { ...tx('2026-03-02T12:00:00Z', 9000), referenceType: 'payout' },
      ],
      'usd',
    );
    expect(series).toEqual([{ day: '2026-03-02', amount: 9000 }]);
  });

  it('keeps only the most recent days', () => {
    const many = Array.from({ length: 20 }, (_, i) => tx(`2026-01-${String(i + 1).padStart(2, '0')}T00:00:00Z`, i + 1));
    const series = dailyEarnings(many, 'usd', 14);
    expect(series).toHaveLength(14);
    expect(series[0].day).toBe('2026-01-07');
  });
});
