import { CURRENCY_CODES, getCurrency } from '@collabpay/currency';
/** Stripe's test-mode card numbers and tokens, and what each one does. */
export type CardOutcome =
  | { kind: 'succeed'; bypassPending?: boolean }
  | { kind: 'decline'; code: string; declineCode?: string; message: string; onAttach: boolean }
  | { kind: '3ds'; always: boolean }
  | { kind: 'dispute'; inquiry?: boolean };

export interface CardInfo {
  number: string;
  brand: string;
  funding: 'credit' | 'debit' | 'prepaid' | 'unknown';
  country: string;
  outcome: CardOutcome;
}

export const DECLINE_MESSAGES: Record<string, string> = {
  generic_decline: 'Your card was declined.',
  insufficient_funds: 'Your card has insufficient funds.',
  lost_card: 'Your card was declined.',
  stolen_card: 'Your card was declined.',
  expired_card: 'Your card has expired.',
  incorrect_cvc: "Your card's security code is incorrect.",
  processing_error: 'An error occurred while processing your card. Try again in a little bit.',
  incorrect_number: 'Your card number is incorrect.',
  authentication_required: 'Your card was declined. This transaction requires authentication.',
};

function decline(code: string, declineCode: string | undefined, onAttach = true): CardOutcome {
  return { kind: 'decline', code, declineCode, message: DECLINE_MESSAGES[declineCode ?? code], onAttach };
}

const SPECIAL: Record<string, CardOutcome> = {
  '4000000000000002': decline('card_declined', 'generic_decline'),
  '4000000000009995': decline('card_declined', 'insufficient_funds'),
  '4000000000009987': decline('card_declined', 'lost_card'),
  '4000000000009979': decline('card_declined', 'stolen_card'),
  '4000000000000069': decline('expired_card', undefined),
  '4000000000000127': decline('incorrect_cvc', undefined),
  '4000000000000119': decline('processing_error', undefined),
  '4000000000000341': decline('card_declined', 'generic_decline', false),
  '4000002500003155': { kind: '3ds', always: false },
  '4000002760003184': { kind: '3ds', always: true },
  '4000000000003220': { kind: '3ds', always: true },
  '4000000000003063': { kind: '3ds', always: true },
  '4000000000000259': { kind: 'dispute' },
  '4000000000001976': { kind: 'dispute', inquiry: true },
  '4000000000000077': { kind: 'succeed', bypassPending: true },
};

export const TEST_TOKENS: Record<string, string> = {
  pm_card_visa: '4242424242424242',
  pm_card_visa_debit: '4000056655665556',
  pm_card_mastercard: '5555555555554444',
  pm_card_amex: '378282246310005',
  pm_card_discover: '6011111111111117',
  pm_card_us: '4242424242424242',
  pm_card_chargeDeclined: '4000000000000002',
  pm_card_chargeDeclinedInsufficientFunds: '4000000000009995',
  pm_card_chargeDeclinedLostCard: '4000000000009987',
  pm_card_chargeDeclinedStolenCard: '4000000000009979',
  pm_card_chargeDeclinedExpiredCard: '4000000000000069',
  pm_card_chargeDeclinedIncorrectCvc: '4000000000000127',
  pm_card_chargeDeclinedProcessingError: '4000000000000119',
  pm_card_chargeCustomerFail: '4000000000000341',
  pm_card_threeDSecure2Required: '4000000000003220',
  pm_card_threeDSecureRequired: '4000000000003063',
  pm_card_authenticationRequired: '4000002760003184',
  pm_card_authenticationRequiredOnSetup: '4000002500003155',
  pm_card_createDispute: '4000000000000259',
  pm_card_createDisputeInquiry: '4000000000001976',
  pm_card_bypassPending: '4000000000000077',
};

export const TEST_BANK_ACCOUNT_TOKENS: Record<string, string> = {
  pm_usBankAccount: '000123456789',
  pm_usBankAccount_success: '000123456789',
  pm_usBankAccount_accountClosed: '000111111113',
  pm_usBankAccount_noAccount: '000111111116',
};

export function luhnOk(num: string): boolean {
  let sum = 0;
  let dbl = false;
  for (let i = num.length - 1; i >= 0; i--) {
    let d = num.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (dbl) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    dbl = !dbl;
  }
  return num.length >= 12 && sum % 10 === 0;
}

export function brandOf(num: string): string {
  if (/^4/.test(num)) return 'visa';
  if (/^(5[1-5]|2[2-7])/.test(num)) return 'mastercard';
  if (/^3[47]/.test(num)) return 'amex';
  if (/^(6011|65|64[4-9])/.test(num)) return 'discover';
  if (/^35/.test(num)) return 'jcb';
  if (/^3(0|6|8)/.test(num)) return 'diners';
  if (/^62/.test(num)) return 'unionpay';
  return 'unknown';
}

export function cardInfo(number: string): CardInfo {
  const n = number.replace(/[\s-]/g, '');
  return {
    number: n,
    brand: brandOf(n),
    funding: n === '4000056655665556' ? 'debit' : 'credit',
    country: 'US',
    outcome: SPECIAL[n] ?? { kind: 'succeed' },
  };
}

/** bank-account outcomes for payouts (and ACH debits) */
export type BankOutcome = { kind: 'paid' } | { kind: 'failed'; code: 'no_account' | 'account_closed'; message: string };
export function bankOutcome(accountNumber: string): BankOutcome {
  if (accountNumber === '000111111116')
    return {
      kind: 'failed',
      code: 'no_account',
      message: 'The bank account details on file are probably incorrect. No bank account could be located with those details.',
    };
  if (accountNumber === '000111111113') return { kind: 'failed', code: 'account_closed', message: 'The bank account has been closed.' };
  return { kind: 'paid' };
}

/** Stripe's minimum charge amounts, in minor units. */
export const MINIMUM_AMOUNTS: Record<string, number> = {
  usd: 50,
  eur: 50,
  gbp: 30,
  jpy: 50,
  zar: 500,
  aud: 50,
  cad: 50,
  chf: 50,
  dkk: 250,
  nok: 300,
  sek: 300,
  nzd: 50,
  sgd: 50,
  hkd: 400,
  mxn: 1000,
  brl: 50,
  inr: 50,
  pln: 200,
  czk: 1500,
  huf: 17500,
  ron: 200,
  bgn: 100,
  thb: 1000,
  aed: 200,
  myr: 200,
};
/** zero-decimal currencies, from the shared table (@collabpay/currency) */
export const ZERO_DECIMAL = new Set(CURRENCY_CODES.filter((c) => getCurrency(c)?.exponent === 0));

/** Minor units as a decimal string, by integer arithmetic (e.g. 150000 usd → "1500.00", 5000 jpy → "5000"). */
export function minorToMajor(amount: number, currency: string): string {
  const exp = getCurrency(currency)?.exponent ?? 2;
  const digits = String(Math.abs(Math.trunc(amount))).padStart(exp + 1, '0');
  const major = exp ? `${digits.slice(0, -exp)}.${digits.slice(-exp)}` : digits;
  return amount < 0 ? `-${major}` : major;
}

export function formatMinimum(currency: string, amount: number): string {
  const major = minorToMajor(amount, currency);
  const sym: Record<string, string> = { usd: '$', eur: '€', gbp: '£', jpy: '¥', zar: 'R' };
  return `${sym[currency] ?? ''}${major} ${currency}`;
}

/** Stripe's standard card pricing: 2.9% + 30 in two-decimal currencies, 3.6% in JPY. */
export function processingFee(amount: number, currency: string): number {
  if (ZERO_DECIMAL.has(currency)) return Math.round(amount * 0.036);
  return Math.round(amount * 0.029) + 30;
}
