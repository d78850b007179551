/** One currency as Stripe handles it. */
export interface Currency {
  /** ISO 4217 code, lowercase as Stripe's API wants it */
  readonly code: string;
  /** digits of the minor unit in Stripe's API (0 for zero-decimal currencies such as jpy, 3 for bhd/jod/kwd/omr/tnd) */
  readonly exponent: number;
  /** Stripe's minimum charge in minor units; null where Stripe only says "the equivalent of 0.50 USD" */
  readonly minCharge: number | null;
  /** digits to show when displaying an amount (huf/twd/isk are charged with 2 digits but shown whole) */
  readonly displayDecimals: number;
  /** amounts must be a multiple of this (10 for three-decimal currencies, whose last digit must be 0 on Stripe) */
  readonly amountStep: number;
}

export declare const CURRENCY_TABLE: Readonly<Record<string, Currency>>;
export declare const CURRENCY_CODES: readonly string[];
export declare function getCurrency(code: unknown): Currency | undefined;
export declare function isSupportedCurrency(code: unknown): boolean;
export declare function minimumCharge(code: string): number | null;
