import type Stripe from 'stripe';
import { int, obj, str } from '../core';
import { invalid } from '../errors';
import type { ParamObject } from '../params';

/** Stripe's minimum payout delay for US accounts (`delay_days: 'minimum'`). */
export const MINIMUM_DELAY_DAYS = 2;

export const INTERVALS = ['daily', 'weekly', 'monthly', 'manual'] as const;

export type PayoutInterval = (typeof INTERVALS)[number];

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

/** A new account's settings: Stripe puts connected accounts on automatic daily payouts unless told otherwise. */
export function defaultSettings(interval: PayoutInterval = 'daily'): Stripe.Account.Settings {
  return {
    branding: { icon: null, logo: null, primary_color: null, secondary_color: null },
    card_payments: {
      decline_on: { avs_failure: false, cvc_failure: false },
      statement_descriptor_prefix: null,
      statement_descriptor_prefix_kana: null,
      statement_descriptor_prefix_kanji: null,
    },
    dashboard: { display_name: null, timezone: 'Etc/UTC' },
    payments: { statement_descriptor: null, statement_descriptor_kana: null, statement_descriptor_kanji: null },
    payouts: { debit_negative_balances: true, schedule: { delay_days: MINIMUM_DELAY_DAYS, interval }, statement_descriptor: null },
  } as Stripe.Account.Settings;
}

/** `settings[payouts][schedule][interval|delay_days|weekly_anchor|monthly_anchor]` and the other payout settings. */
export function applyPayoutSettings(acct: Stripe.Account, p: ParamObject): void {
  const settings = obj(p, 'settings');
  const payouts = settings ? obj(settings, 'payouts') : undefined;
  if (!payouts) return;
  acct.settings = acct.settings ?? defaultSettings();
  const current = acct.settings.payouts ?? defaultSettings().payouts!;
  const next: Stripe.Account.Settings.Payouts = { ...current, schedule: { ...current.schedule } };
  const base = 'settings[payouts]';
  if (payouts.statement_descriptor !== undefined) next.statement_descriptor = str(payouts, 'statement_descriptor') || null;
  if (payouts.debit_negative_balances !== undefined) next.debit_negative_balances = str(payouts, 'debit_negative_balances') === 'true';
  const schedule = obj(payouts, 'schedule');
  if (schedule) {
    const interval = str(schedule, 'interval');
    if (interval !== undefined) {
      if (!(INTERVALS as readonly string[]).includes(interval))
        throw invalid(`Invalid ${base}[schedule][interval]: must be one of daily, manual, monthly, or weekly`, `${base}[schedule][interval]`);
      next.schedule.interval = interval;
    }
    const delay = str(schedule, 'delay_days');
    if (delay !== undefined && delay !== '' && next.schedule.interval === 'manual')
      // Stripe (since 2015-06-15): manual payouts always use the minimum delay, giving one is an error
      throw invalid('You cannot set delay_days when the payout schedule interval is manual.', `${base}[schedule][delay_days]`);
    if (delay !== undefined && delay !== '') {
      const days = delay === 'minimum' ? MINIMUM_DELAY_DAYS : int(schedule, 'delay_days')!;
      if (days < MINIMUM_DELAY_DAYS)
        throw invalid(
          `You cannot set delay_days lower than the minimum for this account (${MINIMUM_DELAY_DAYS}).`,
          `${base}[schedule][delay_days]`,
          'parameter_invalid_integer',
        );
      next.schedule.delay_days = days;
    }
    if (next.schedule.interval === 'weekly') {
      const anchor = str(schedule, 'weekly_anchor') ?? next.schedule.weekly_anchor;
      if (!anchor) throw invalid(`Missing required param: ${base}[schedule][weekly_anchor].`, `${base}[schedule][weekly_anchor]`, 'parameter_missing');
      if (!WEEKDAYS.includes(anchor)) throw invalid(`Invalid ${base}[schedule][weekly_anchor]: must be a day of the week`, `${base}[schedule][weekly_anchor]`);
      next.schedule.weekly_anchor = anchor;
    } else delete next.schedule.weekly_anchor;
    if (next.schedule.interval === 'monthly') {
      const anchor = int(schedule, 'monthly_anchor') ?? next.schedule.monthly_anchor;
      if (anchor === undefined)
        throw invalid(`Missing required param: ${base}[schedule][monthly_anchor].`, `${base}[schedule][monthly_anchor]`, 'parameter_missing');
      if (anchor < 1 || anchor > 31)
        throw invalid(`Invalid ${base}[schedule][monthly_anchor]: must be between 1 and 31`, `${base}[schedule][monthly_anchor]`, 'parameter_invalid_integer');
      next.schedule.monthly_anchor = anchor;
    } else delete next.schedule.monthly_anchor;
  }
  acct.settings.payouts = next;
}

/** Is an automatic payout due for this schedule on the (UTC) day of `nowMs`? */
export function payoutDayFor(schedule: Stripe.Account.Settings.Payouts.Schedule, nowMs: number): boolean {
  const d = new Date(nowMs);
  if (schedule.interval === 'daily') return true;
  if (schedule.interval === 'weekly') return WEEKDAYS[d.getUTCDay()] === schedule.weekly_anchor;
  if (schedule.interval === 'monthly') {
    const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
    return d.getUTCDate() === Math.min(schedule.monthly_anchor ?? 1, last);
  }
  return false;
}
