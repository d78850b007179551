import { getCurrency } from '@collabpay/currency';
import { badRequest } from '../errors/app-error';

/** A currency we accept: ISO exponent and Stripe's minimum charge (minor units), from @collabpay/currency. */
export interface CurrencyInfo {
  code: string;
  exponent: number;
  minCharge: number;
}

/** The currencies the platform offers (a subset of what Stripe supports); their figures come from the shared table. */
const OFFERED = ['usd', 'eur', 'gbp', 'cad', 'aud', 'chf', 'sek', 'zar', 'jpy'] as const;

function fromTable(code: string): CurrencyInfo {
  const c = getCurrency(code);
  if (!c || c.minCharge === null) throw new Error(`@collabpay/currency has no Stripe minimum for ${code}`);
  return { code: c.code, exponent: c.exponent, minCharge: c.minCharge };
}

export const CURRENCIES: Readonly<Record<string, CurrencyInfo>> = Object.freeze(Object.fromEntries(OFFERED.map((c) => [c, fromTable(c)])));

export const SUPPORTED_CURRENCIES = Object.keys(CURRENCIES);

export interface Money {
  amount: number;
  currency: string;
}

export function currencyInfo(currency: string): CurrencyInfo {
  const info = CURRENCIES[currency];
  if (!info) throw badRequest('UNSUPPORTED_CURRENCY', `Currency "${currency}" is not supported; use one of ${SUPPORTED_CURRENCIES.join(', ')}`);
  return info;
}

export interface AmountRules {
  max?: number;
  min?: number; // overrides the currency minimum
  field?: string;
}

/** Validates an amount in minor units: safe integer, positive, >= minimum, <= maximum. Throws stable codes. */
export function assertValidAmount(amount: unknown, currency: string, rules: AmountRules = {}): number {
  const field = rules.field ?? 'amount';
  const info = currencyInfo(currency);
  if (typeof amount !== 'number' || !Number.isSafeInteger(amount)) {
    throw badRequest('INVALID_AMOUNT', `${field} must be an integer number of minor units (e.g. 1500 for 15.00 ${currency})`);
  }
  if (amount <= 0) throw badRequest('INVALID_AMOUNT', `${field} must be positive`);
  const min = rules.min ?? info.minCharge;
  if (amount < min) {
    throw badRequest('AMOUNT_BELOW_MINIMUM', `${field} must be at least ${formatMoney({ amount: min, currency })}`, { minimum: min });
  }
  if (rules.max !== undefined && amount > rules.max) {
    throw badRequest('AMOUNT_ABOVE_MAXIMUM', `${field} must be at most ${formatMoney({ amount: rules.max, currency })}`, { maximum: rules.max });
  }
  return amount;
}

const formatters = new Map<string, Intl.NumberFormat>();

export function formatMoney(m: Money, locale = 'en-US'): string {
  const info = CURRENCIES[m.currency];
  const exp = info?.exponent ?? 2;
  const key = `${locale}:${m.currency}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, { style: 'currency', currency: m.currency.toUpperCase(), minimumFractionDigits: exp, maximumFractionDigits: exp });
    formatters.set(key, f);
  }
  // display only: the division may round at the last digit for amounts beyond 2^53 / 10^exp, which are refused anyway
  return f.format(m.amount / 10 ** exp);
}

/** Platform fee in basis points, rounded half away from zero, computed in integers only. */
export function platformFee(amount: number, bps: number): number {
  if (!Number.isSafeInteger(amount) || amount < 0) throw new RangeError('amount must be a non-negative safe integer');
  if (!Number.isSafeInteger(bps) || bps < 0 || bps > 10000) throw new RangeError('bps must be within 0..10000');
  const big = BigInt(amount) * BigInt(bps);
  const q = big / 10000n;
  const r = big % 10000n;
  return Number(r * 2n >= 10000n ? q + 1n : q);
}

/**
 * Splits a fee across a part of the total so that the sum of the parts' fees equals the fee of the total:
 * fee share of `released` cumulative amount = fee(total) * cumulative / total, rounded down, and the last part takes the rest.
 */
export function feeShare(totalAmount: number, totalFee: number, cumulativeBefore: number, part: number): number {
  const after = cumulativeBefore + part;
  const feeAfter = after === totalAmount ? totalFee : Number((BigInt(totalFee) * BigInt(after)) / BigInt(totalAmount));
  const feeBefore = cumulativeBefore === totalAmount ? totalFee : Number((BigInt(totalFee) * BigInt(cumulativeBefore)) / BigInt(totalAmount));
  return feeAfter - feeBefore;
}
