/**
 * Money helpers. On the wire money is `{amount: <integer minor units>, currency: <lowercase ISO 4217>}`.
 * Conversions between major and minor units use string arithmetic only (never float multiplication).
 */
export interface Money {
  amount: number;
  currency: string;
}

export interface CurrencyInfo {
  /** Number of minor-unit digits (usd 2, jpy 0, kwd 3). */
  exponent: number;
  /** Stripe's minimum charge in minor units, when known. */
  minimumCharge?: number;
}

/** The one currency table of the SPA (mirrors the server's). */
export const CURRENCIES: Readonly<Record<string, CurrencyInfo>> = {
  usd: { exponent: 2, minimumCharge: 50 },
  eur: { exponent: 2, minimumCharge: 50 },
  gbp: { exponent: 2, minimumCharge: 30 },
  zar: { exponent: 2, minimumCharge: 500 },
  cad: { exponent: 2, minimumCharge: 50 },
  aud: { exponent: 2, minimumCharge: 50 },
  nzd: { exponent: 2, minimumCharge: 50 },
  chf: { exponent: 2, minimumCharge: 50 },
  sek: { exponent: 2, minimumCharge: 300 },
  nok: { exponent: 2, minimumCharge: 300 },
  dkk: { exponent: 2, minimumCharge: 250 },
  pln: { exponent: 2, minimumCharge: 200 },
  inr: { exponent: 2, minimumCharge: 50 },
  brl: { exponent: 2, minimumCharge: 50 },
  mxn: { exponent: 2, minimumCharge: 1000 },
  sgd: { exponent: 2, minimumCharge: 50 },
  hkd: { exponent: 2, minimumCharge: 400 },
  jpy: { exponent: 0, minimumCharge: 50 },
  krw: { exponent: 0 },
  vnd: { exponent: 0 },
  clp: { exponent: 0 },
  kwd: { exponent: 3 },
  bhd: { exponent: 3 },
  jod: { exponent: 3 },
  omr: { exponent: 3 },
};

/** Currencies offered in forms. */
export const SUPPORTED_CURRENCIES = ['usd', 'eur', 'gbp', 'zar', 'jpy'] as const;

export const DEFAULT_LOCALE = 'en-US';

export class MoneyParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MoneyParseError';
  }
}

export function normalizeCurrency(currency: string): string {
  return currency.trim().toLowerCase();
}

export function currencyExponent(currency: string): number {
  return CURRENCIES[normalizeCurrency(currency)]?.exponent ?? 2;
}

/** Exact decimal string of a minor-unit amount: (1234, 'usd') → "12.34", (5000, 'jpy') → "5000". */
export function minorToMajorString(amount: number, currency: string): string {
  if (!Number.isSafeInteger(amount)) throw new MoneyParseError('Amount must be a safe integer');
  const exponent = currencyExponent(currency);
  const negative = amount < 0;
  const digits = String(Math.abs(amount));
  if (exponent === 0) return (negative ? '-' : '') + digits;
  const padded = digits.padStart(exponent + 1, '0');
  const intPart = padded.slice(0, padded.length - exponent);
  const fracPart = padded.slice(padded.length - exponent);
  return `${negative ? '-' : ''}${intPart}.${fracPart}`;
}

const formatters = new Map<string, Intl.NumberFormat>();

function formatter(currency: string, locale: string): Intl.NumberFormat {
  const exponent = currencyExponent(currency);
  const key = `${locale}|${currency}|${exponent}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, {
      style: 'currency',
      currency: currency.toUpperCase(),
      minimumFractionDigits: exponent,
      maximumFractionDigits: exponent,
    });
    formatters.set(key, f);
  }
  return f;
}

/**
 * How `Intl.NumberFormat('en-US', {style: 'currency'})` writes each currency of CURRENCIES: a symbol, or the code and
 * a no-break space. Used to format en-US amounts without Intl: the first `new Intl.NumberFormat` of a page loads
 * ICU's number data and takes 20-120 ms of main thread (several times that on a phone), on every screen that shows
 * money. money.test.ts checks that this gives exactly what Intl gives, for every currency of the table.
 */
export const EN_US_CURRENCY_PREFIX: Readonly<Record<string, string>> = {
  usd: '$',
  eur: '€',
  gbp: '£',
  cad: 'CA$',
  aud: 'A$',
  nzd: 'NZ$',
  inr: '₹',
  brl: 'R$',
  mxn: 'MX$',
  hkd: 'HK$',
  jpy: '¥',
  krw: '₩',
  vnd: '₫',
  ...Object.fromEntries(['zar', 'chf', 'sek', 'nok', 'dkk', 'pln', 'sgd', 'clp', 'kwd', 'bhd', 'jod', 'omr'].map((c) => [c, `${c.toUpperCase()}\u00a0`])),
};

/** en-US without Intl: sign, symbol, the integer part grouped by thousands, the minor units after a dot. */
function formatEnUs(major: string, prefix: string): string {
  const negative = major.startsWith('-');
  const [int, frac] = (negative ? major.slice(1) : major).split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '-' : ''}${prefix}${grouped}${frac === undefined ? '' : `.${frac}`}`;
}

/** `formatMoney({amount: 150000, currency: 'usd'})` → "$1,500.00"; `{5000, 'jpy'}` → "¥5,000". */
export function formatMoney(money: Money, locale: string = DEFAULT_LOCALE): string {
  const currency = normalizeCurrency(money.currency);
  const major = minorToMajorString(money.amount, currency);
  const prefix = locale === DEFAULT_LOCALE ? EN_US_CURRENCY_PREFIX[currency] : undefined;
  if (prefix !== undefined) return formatEnUs(major, prefix);
  // Intl.NumberFormat accepts exact decimal strings (ES2023), so no precision is lost on large amounts.
  return formatter(currency, locale).format(major as unknown as number);
}

/** Major units as a number, for charts only (never for arithmetic on money). */
export function minorToMajorNumber(amount: number, currency: string): number {
  return Number(minorToMajorString(amount, currency));
}

/**
 * Exact conversion of a major-unit string typed by a person into minor units.
 * `parseMajorToMinor('12.34', 'usd')` → 1234, `('5000', 'jpy')` → 5000, `('1,234.5', 'eur')` → 123450.
 * Throws MoneyParseError for empty, negative, malformed input, too many decimals or unsafe values.
 */
export function parseMajorToMinor(input: string, currency: string): number {
  const cur = normalizeCurrency(currency);
  const exponent = currencyExponent(cur);
  let text = input.trim().replace(/\s+/g, '');
  if (text === '') throw new MoneyParseError('Enter an amount');
  if (text.startsWith('-')) throw new MoneyParseError('Amount must be positive');
  if (text.startsWith('+')) text = text.slice(1);
  if (text.includes(',')) {
    // Only accept commas as thousands separators: 1,234 or 1,234,567.89
    if (!/^\d{1,3}(,\d{3})+(\.\d*)?$/.test(text)) throw new MoneyParseError('Enter a valid amount, e.g. 12.34');
    text = text.replace(/,/g, '');
  }
  const match = /^(\d*)(?:\.(\d*))?$/.exec(text);
  if (!match || (match[1] === '' && (match[2] ?? '') === '')) {
    throw new MoneyParseError('Enter a valid amount, e.g. 12.34');
  }
  const intPart = match[1] || '0';
  const fracPart = match[2] ?? '';
  if (fracPart.length > exponent) {
    throw new MoneyParseError(
      exponent === 0 ? `${cur.toUpperCase()} amounts cannot have decimals` : `${cur.toUpperCase()} amounts can have at most ${exponent} decimal places`,
    );
  }
  const digits = (intPart + fracPart.padEnd(exponent, '0')).replace(/^0+(?=\d)/, '');
  if (digits.length > 15) throw new MoneyParseError('Amount is too large');
  const value = Number(digits);
  if (!Number.isSafeInteger(value)) throw new MoneyParseError('Amount is too large');
  return value;
}

/** Non-throwing variant for form validation. */
export function tryParseMajorToMinor(input: string, currency: string): { ok: true; value: number } | { ok: false; error: string } {
  try {
    return { ok: true, value: parseMajorToMinor(input, currency) };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : 'Invalid amount' };
  }
}

/**
 * The platform fee on `amount` at `bps` basis points, as the server computes it: round(amount × bps / 10000),
 * halves rounded up, in exact integer arithmetic. The influencer receives `amount - platformFee(amount, bps)`.
 */
export function platformFee(amount: number, bps: number): number {
  if (!Number.isSafeInteger(amount) || amount < 0) throw new MoneyParseError('Amount must be a non-negative safe integer');
  if (!Number.isSafeInteger(bps) || bps < 0 || bps > 10000) throw new MoneyParseError('Fee rate must be within 0..10000 basis points');
  const product = BigInt(amount) * BigInt(bps);
  const q = product / 10000n;
  return Number((product % 10000n) * 2n >= 10000n ? q + 1n : q);
}

/** `1000` bps → "10%", `1250` → "12.5%". */
export function formatBps(bps: number): string {
  return `${Number((bps / 100).toFixed(2))}%`;
}

/**
 * The platform fee's share of one release `part` of a payment, as the server splits it: the fee of everything
 * released so far is fee(total) × cumulative / total rounded down, and the release that completes the total takes the rest.
 */
export function feeShare(totalAmount: number, totalFee: number, releasedBefore: number, part: number): number {
  const feeAt = (cumulative: number) => (cumulative >= totalAmount ? totalFee : Number((BigInt(totalFee) * BigInt(cumulative)) / BigInt(totalAmount)));
  return feeAt(releasedBefore + part) - feeAt(releasedBefore);
}
