import type { WalletTransaction } from '../../../types/api';

export interface DayTotal {
  day: string; // YYYY-MM-DD (UTC)
  amount: number; // minor units
}

/**
 * Credits summed per UTC day, oldest first, keeping the last `maxDays` days that have earnings. Money coming back
 * from a failed payout is a credit too (`referenceType: 'payout'`) but not an earning, so it is left out (as the
 * server leaves it out of `totalEarned`).
 */
export function dailyEarnings(transactions: WalletTransaction[], currency: string, maxDays = 14): DayTotal[] {
  const totals = new Map<string, number>();
  for (const t of transactions) {
    if (t.type !== 'credit' || t.currency !== currency || t.referenceType === 'payout') continue;
    const day = t.createdAt.slice(0, 10);
    totals.set(day, (totals.get(day) ?? 0) + t.amount);
  }
  return [...totals.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .slice(-maxDays)
    .map(([day, amount]) => ({ day, amount }));
}
