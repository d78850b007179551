/**
 * Error messages for people, from the API's stable `code` (see API.md "Conventions"). The server's `message` is
 * written for developers ("influencerId does not name an influencer"); screens show these words instead. Codes not
 * listed fall back to a readable version of the server's validation text, then to a generic sentence per status.
 */
export interface ErrorLike {
  status: number;
  code: string;
  message: string;
}

const BY_CODE: Record<string, string> = {
  NETWORK_ERROR: 'We cannot reach CollabPay. Check your connection and try again.',
  SERVICE_UNAVAILABLE: 'CollabPay is briefly unavailable. Nothing was charged; try again in a moment.',
  STRIPE_UNAVAILABLE: 'Our payment provider is not answering right now. Nothing was charged; try again in a moment.',
  STRIPE_REQUEST_FAILED: 'Our payment provider could not complete this. Nothing was charged twice; try again in a moment.',
  RATE_LIMITED: 'Too many attempts in a short time. Wait a minute and try again.',
  AUTH_RATE_LIMIT: 'Too many sign-in attempts. Wait a minute and try again.',
  INVALID_CREDENTIALS: 'That email and password do not match an account.',
  EMAIL_TAKEN: 'An account with this email already exists. Sign in instead.',
  HANDLE_TAKEN: 'That handle is taken. Choose another one.',
  PASSWORD_TOO_SHORT: 'Use a password of at least 8 characters.',
  UNAUTHORIZED: 'Your session has ended. Sign in again.',
  FORBIDDEN: 'Your account cannot do this.',
  FORBIDDEN_ROLE: 'Your account cannot do this.',
  NOT_FOUND: 'We could not find that. It may have been removed, or it belongs to someone else.',
  INFLUENCER_NOT_FOUND: 'No influencer has that id. Check it with the influencer, or invite them by email.',
  NOT_AN_INFLUENCER: 'That email belongs to a brand or admin account, not an influencer.',
  COLLABORATION_NOT_FOUND: 'This collaboration does not exist or is not yours.',
  PAYMENT_NOT_FOUND: 'This payment does not exist or is not yours.',
  INVOICE_NOT_FOUND: 'This invoice does not exist or is not yours.',
  PAYOUT_NOT_FOUND: 'This payout does not exist or is not yours.',
  MILESTONE_NOT_FOUND: 'This milestone does not exist.',
  COLLABORATION_NOT_PROPOSED: 'This proposal was already answered.',
  COLLABORATION_NOT_ACCEPTED: 'The influencer has to accept the proposal before it can be paid.',
  COLLABORATION_CLOSED: 'This collaboration is closed.',
  MILESTONES_SUM_MISMATCH: 'The milestone amounts must add up to the total.',
  INVALID_MILESTONE_AMOUNT: 'Each milestone needs an amount above zero.',
  MILESTONE_ALREADY_RELEASED: 'This milestone has already been released.',
  AMOUNT_BELOW_MINIMUM: 'The amount is below the smallest amount that can be charged in this currency.',
  AMOUNT_ABOVE_MAXIMUM: 'The amount is above the largest payment CollabPay accepts.',
  AMOUNT_EXCEEDS_HELD: 'That is more than is still held for this payment.',
  INVALID_AMOUNT: 'Enter a valid amount.',
  UNSUPPORTED_CURRENCY: 'This currency is not supported.',
  PAYMENT_ALREADY_COMPLETED: 'This collaboration is already paid.',
  PAYMENT_PROCESSING: 'The payment is still being processed by the bank. Wait for it to finish.',
  PAYMENT_NOT_HELD: 'Only money that is still held can be released or refunded.',
  PAYMENT_DISPUTED: 'A chargeback is open on this payment, so its money is frozen.',
  PAYMENT_BY_INVOICE: 'This collaboration is being paid by invoice. Void the invoice to pay by card instead.',
  PAYMENT_BY_SUBSCRIPTION: 'This collaboration is paid monthly by its retainer.',
  RELEASE_IN_PROGRESS: 'A release is already under way. Wait a moment.',
  REFUND_FAILED: 'The refund could not be made. Nothing was refunded; try again later.',
  CARD_DECLINED: 'The card was declined. Try another card.',
  AUTHENTICATION_REQUIRED: 'Your bank wants to confirm this payment. Finish it on the checkout page.',
  NO_SAVED_CARD: 'Save a card on the Billing page first.',
  PAYMENT_METHOD_NOT_FOUND: 'That card is no longer saved. Choose another one.',
  INVOICE_NOT_OPEN: 'Only an open invoice can be sent or voided.',
  INVOICE_MANAGED_BY_SUBSCRIPTION: 'Retainer invoices are managed by the retainer itself.',
  NOT_A_RETAINER: 'This collaboration is not billed monthly.',
  RETAINER_NOT_FOUND: 'This retainer does not exist or is not yours.',
  RETAINER_CANCELED: 'This retainer has ended.',
  NOTHING_TO_RETRY: 'There is no failed month to retry.',
  PERIOD_NOT_FOUND: 'That month does not exist on this retainer.',
  INSUFFICIENT_FUNDS: 'Your wallet does not hold that much.',
  FUNDS_NOT_YET_AVAILABLE: 'Part of this money is not available for payout yet. Request a smaller amount, or wait until it becomes available.',
  PAYOUTS_NOT_ENABLED: 'Set up payouts first: add your bank account under “Set up payouts”.',
  PAYOUTS_PAUSED: 'Payouts are paused until Stripe has the information it asked for.',
  PAYOUT_MIN_AMOUNT: 'That is below the smallest payout.',
  BALANCE_OWED: 'You owe CollabPay money from a reversed payment; new earnings repay it before you can pay out.',
  CONNECT_ACCOUNT_MISSING: 'Set up payouts first.',
  INVALID_REDIRECT_URL: 'That return address is not allowed.',
  NOTHING_HELD: 'No money is held for this any more.',
  DISPUTE_ALREADY_OPEN: 'A dispute is already open for this.',
  CHANGE_REQUESTS_EXHAUSTED: 'You already asked for changes the maximum number of times. Approve it, or open a dispute.',
  IDEMPOTENCY_KEY_REUSED: 'This looks like a repeat of an earlier request with different details. Reload the page and try again.',
  IDEMPOTENCY_KEY_IN_USE: 'The same request is still being processed. Wait a moment.',
  INVALID_CURSOR: 'That page of results no longer exists. Go back to the first page.',
  UNKNOWN_NOTIFICATION_KIND: 'That notification type does not exist.',
  AMOUNT_EXCEEDS_RELEASED: 'That is more than was released and not yet taken back.',
  CLAWBACK_IN_PROGRESS: 'A clawback of this payment is already under way. Wait a moment.',
  DISPUTE_CLOSED: 'This dispute is already closed.',
  DISPUTE_NOT_FOUND: 'This dispute does not exist or is not yours.',
  DISPUTE_OPEN: 'A dispute is open, so this money is frozen until it is resolved or withdrawn.',
  DISPUTE_RESOLUTION_IN_PROGRESS: 'This dispute is being resolved. Wait a moment.',
  HANDLE_NOT_ALLOWED: 'Handles are for influencer accounts.',
  INFLUENCER_REQUIRED: 'Choose an influencer, or invite one by email.',
  MILESTONES_NOT_ALLOWED: 'A monthly retainer has no milestones.',
  MILESTONE_STATE_CONFLICT: 'This milestone has changed meanwhile. Reload to see the latest.',
  NOT_DISPUTE_OPENER: 'Only the person who opened the dispute can withdraw it.',
  REFUND_IN_PROGRESS: 'A refund of this payment is already under way. Wait a moment.',
  SPLIT_MISMATCH: 'The amount released and the amount refunded must add up to the disputed amount.',
  INVALID_URL: 'Enter a link that starts with http:// or https://.',
  TOKEN_REVOKED: 'You signed out. Sign in again.',
  SESSION_STALE: 'Your account changed. Sign in again.',
};

/** Codes whose server message is already written for the person reading it (advice, the field at fault). */
const SERVER_WORDS = new Set(['WEAK_PASSWORD', 'INVALID_CHARACTERS', 'INVALID_UNSUBSCRIBE_LINK']);

const BY_STATUS: Record<number, string> = {
  400: 'Some details are not valid. Check them and try again.',
  401: 'Your session has ended. Sign in again.',
  403: 'Your account cannot do this.',
  404: 'We could not find that.',
  409: 'This cannot be done in its current state. Reload to see the latest.',
  422: 'This request was already made with different details. Reload the page and try again.',
  429: 'Too many attempts in a short time. Wait a minute and try again.',
};

const FIELD_NAMES: Record<string, string> = {
  influencerId: 'Influencer',
  influencerEmail: 'Influencer email',
  title: 'Title',
  description: 'Description',
  amount: 'Amount',
  currency: 'Currency',
  email: 'Email',
  password: 'Password',
  name: 'Name',
  note: 'Note',
  details: 'Details',
};

/** "title must be shorter than or equal to 200 characters" → "Title: use at most 200 characters." */
export function humanizeValidation(message: string): string {
  return message
    .split('; ')
    .map((part) => {
      const m = /^([a-zA-Z.[\]0-9]+) (.*)$/.exec(part.trim());
      if (!m) return part;
      const field = FIELD_NAMES[m[1]] ?? m[1].replace(/([a-z])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase());
      const rule = m[2]
        .replace(/^must be shorter than or equal to (\d+) characters$/, 'use at most $1 characters')
        .replace(/^must be longer than or equal to (\d+) characters$/, 'use at least $1 characters')
        .replace(/^must be a UUID$/, 'is not a valid id')
        .replace(/^must be an email$/, 'enter a valid email address')
        .replace(/^should not be empty$/, 'is required')
        .replace(/^must be an integer number$/, 'must be a whole number')
        .replace(/^must not be less than (\d+)$/, 'must be at least $1')
        .replace(/^must not be greater than (\d+)$/, 'must be at most $1');
      return `${field}: ${rule}`;
    })
    .join('. ')
    .concat('.');
}

/** The sentence to show a person for an API error. */
export function humanError(err: ErrorLike): string {
  const known = BY_CODE[err.code];
  if (known) return known;
  if (SERVER_WORDS.has(err.code) && err.message) return err.message;
  if ((err.code === 'VALIDATION_FAILED' || err.code === 'BAD_REQUEST') && err.message) return humanizeValidation(err.message);
  if (err.status >= 500) return 'Something went wrong on our side. Try again in a moment.';
  return BY_STATUS[err.status] ?? 'That did not work. Try again.';
}
