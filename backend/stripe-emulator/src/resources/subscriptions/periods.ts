import { ZERO_DECIMAL } from '../../cards';
import { RequestContext } from '../../core';
import { State } from '../../state';

/*
 * Products, prices and subscriptions (API 2026-10-28: the billing period lives on the subscription items,
 * `current_period_start/end`; an invoice names its subscription in `parent.subscription_details`).
 *
 * Time: a subscription does not follow the emulator clock by itself. `advanceSubscription` (control endpoint
 * `POST /_emulator/subscriptions/:id/advance_period`) moves one subscription to its next period, the way a
 * Stripe test clock would: the renewal invoice is created, finalized and charged at once.
 */

export const INTERVALS = ['day', 'week', 'month', 'year'];

/** Stripe allows at most three years between two billings */
export const MAX_COUNT: Record<string, number> = { day: 1095, week: 156, month: 36, year: 3 };

/** failed renewals: retries (Smart Retries stand-in) 3, 5 and 7 days apart, then the subscription is canceled */
export const RETRY_DAYS = [3, 5, 7];

export function sysCtx(st: State, account: string): RequestContext {
  return { account, connect: account !== st.platform, requestId: null, idempotencyKey: null, publishable: false };
}

/** `anchor` moved by `n` intervals; months keep the anchor's day, clamped to the month's end (Jan 31 → Feb 28 → Mar 31). */
export function addIntervals(anchor: number, interval: string, count: number, n: number): number {
  if (interval === 'day') return anchor + n * count * 86400;
  if (interval === 'week') return anchor + n * count * 7 * 86400;
  const d = new Date(anchor * 1000);
  const months = (interval === 'year' ? 12 : 1) * count * n;
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + months;
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return Math.floor(Date.UTC(y, m, Math.min(d.getUTCDate(), last), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()) / 1000);
}

export function money(amount: number, currency: string): string {
  const exp = ZERO_DECIMAL.has(currency) ? 0 : 2;
  const sym: Record<string, string> = { usd: '$', eur: '€', gbp: '£', jpy: '¥' };
  const major = (amount / 10 ** exp).toLocaleString('en-US', { minimumFractionDigits: exp, maximumFractionDigits: exp });
  return sym[currency] ? `${sym[currency]}${major}` : `${major} ${currency.toUpperCase()}`;
}
