import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** The titles of the fault tests (one `it` each, in this directory's *.spec.ts files). */
export const T = {
  piCreate: 'payments: a PaymentIntent whose creation answer is lost on every SDK attempt is created once when the client retries',
  refund: 'payments: a refund whose answer is lost refunds once: charge.refunded never books the reservation, the client retry or reconciliation books it once',
  paymentReads: 'payments: failed reads (500, reset) while confirming and while pulling missed events leave state intact and succeed on retry',
  customer: 'billing: customer creation, billing details, setup intents, default card and card removal are safe after lost answers',
  savedCard: 'billing: a saved-card payment whose confirmation answer is lost charges the card once and reports success on retry',
  invoice: 'billing: an invoice whose create, line, finalize, send and void answers are lost exists once, with the card intent canceled once',
  retainer: 'billing: a retainer whose product and subscription answers are lost has one subscription; retry-pay, card change and cancel survive lost answers',
  connect: 'connect: an Express account whose creation answer is lost is created once; a lost account link is simply replaced; failed reads are retried',
  payout: 'payouts: lost transfer and payout answers are resolved by reconciliation without moving money twice',
  reversal: 'payouts: a failed payout whose reversal answer is lost is reversed once',
  loginLink: 'connect: a login link whose answer is lost is replaced by the SDK retry; after every attempt is lost the next click works',
  manualSchedule: 'connect: putting an account back on manual payouts survives a lost answer (one update, our key)',
  oldReservation: 'connect: an old reservation is completed with the account found by metadata; a failed lookup creates nothing',
  chargeFunds: 'wallet: failed reads of a charge’s funds leave the money not yet payable, and the next read makes it payable',
  disputeResolution: 'disputes: a resolution whose refund answer is lost refunds once and is completed by the retry with the same split',
  clawback: 'clawback: a clawback whose refund answer is lost refunds once and recovers once when retried',
  batchIntentRead: 'webhooks: the set-based apply of payment_intent.succeeded re-reads the intent through 500s and resets and funds the payment once',
  webhookRereads:
    'webhooks: failed re-reads before money moves (a refunded charge, a failure event for a completed payout) retry the event; the money moves once, or not at all',
} as const;

/**
 * Every Stripe call site in backend/src (`<file>:<resource>.<method>`), the fault test that covers it, and what makes a
 * retry safe there:
 * - `key`: a deterministic idempotency key of ours (the test asserts it on the wire and that a retry creates nothing new)
 * - `natural`: repeating it is harmless by nature (sets absolute values, or a fresh object per click is intended)
 * - `read`: GET (no key); the test injects 500s/resets and checks that state stays right and a retry works
 * - `local`: no request to Stripe at all
 */
export const CALL_SITES: Record<string, { test: string; safety: 'key' | 'natural' | 'read' | 'local' }> = {
  'modules/payments/payments.service.ts:paymentIntents.create': { test: T.piCreate, safety: 'key' },
  'modules/disputes/dispute-resolution.service.ts:refunds.create': { test: T.disputeResolution, safety: 'key' },
  'modules/clawback/clawback.service.ts:refunds.create': { test: T.clawback, safety: 'key' },
  'modules/payments/payments.service.ts:paymentIntents.retrieve': { test: T.paymentReads, safety: 'read' },
  'modules/payments/payments.service.ts:charges.retrieve': { test: T.paymentReads, safety: 'read' },
  // the key comes from the reservation's row id (collabpay-refund-<refund id>), whoever retries the call
  'modules/payments/refunds/refunds.service.ts:refunds.create': { test: T.refund, safety: 'key' },
  // the one read of reconciliation, for every refund reservation (refunds rows, dispute resolutions, clawbacks)
  'modules/payments/refunds/refund-reservations.ts:refunds.list': { test: T.refund, safety: 'read' },
  'modules/payments/payment-webhooks.handler.ts:paymentIntents.retrieve': { test: T.paymentReads, safety: 'read' },
  'modules/payments/payment-held.batch.ts:paymentIntents.retrieve': { test: T.batchIntentRead, safety: 'read' },
  'modules/payments/payment-webhooks.handler.ts:charges.retrieve': { test: T.webhookRereads, safety: 'read' },
  'modules/payouts/payout-webhooks.handler.ts:payouts.retrieve': { test: T.webhookRereads, safety: 'read' },
  'modules/webhooks/webhook-maintenance.service.ts:accounts.list': { test: T.paymentReads, safety: 'read' },
  'modules/webhooks/webhook-maintenance.service.ts:events.list': { test: T.paymentReads, safety: 'read' },

  'modules/billing/customers/customers.service.ts:customers.create': { test: T.customer, safety: 'key' },
  'modules/billing/customers/customers.service.ts:customers.update': { test: T.customer, safety: 'natural' },
  'modules/billing/customers/customers.service.ts:setupIntents.create': { test: T.customer, safety: 'natural' },
  'modules/billing/customers/customers.service.ts:customers.listPaymentMethods': { test: T.customer, safety: 'read' },
  'modules/billing/customers/customers.service.ts:paymentMethods.detach': { test: T.customer, safety: 'key' },
  'modules/billing/customers/customers.service.ts:paymentMethods.retrieve': { test: T.customer, safety: 'read' },
  'modules/billing/customers/customers.service.ts:customers.retrieve': { test: T.customer, safety: 'read' },
  'modules/billing/customers/saved-card-payment.service.ts:paymentIntents.update': { test: T.savedCard, safety: 'key' },
  'modules/billing/customers/saved-card-payment.service.ts:paymentIntents.confirm': { test: T.savedCard, safety: 'key' },
  'modules/billing/customers/saved-card-payment.service.ts:paymentIntents.retrieve': { test: T.savedCard, safety: 'read' },

  'modules/billing/invoices/invoices.service.ts:invoices.create': { test: T.invoice, safety: 'key' },
  'modules/billing/invoices/invoices.service.ts:invoiceItems.create': { test: T.invoice, safety: 'key' },
  'modules/billing/invoices/invoices.service.ts:invoices.finalizeInvoice': { test: T.invoice, safety: 'key' },
  'modules/billing/invoices/invoices.service.ts:invoices.sendInvoice': { test: T.invoice, safety: 'key' },
  'modules/billing/invoices/invoices.service.ts:invoices.voidInvoice': { test: T.invoice, safety: 'key' },
  'modules/billing/invoices/invoices.service.ts:invoices.retrieve': { test: T.invoice, safety: 'read' },
  // DELETE of a draft the card payment overtook: no key exists for DELETE; a repeat answers 404, which is ignored
  'modules/billing/invoices/invoices.service.ts:invoices.del': { test: T.invoice, safety: 'natural' },
  'modules/billing/invoices/invoices.service.ts:paymentIntents.retrieve': { test: T.invoice, safety: 'read' },
  'modules/billing/invoices/invoices.service.ts:paymentIntents.update': { test: T.invoice, safety: 'key' },
  'modules/billing/invoices/invoices.service.ts:paymentIntents.cancel': { test: T.invoice, safety: 'key' },

  'modules/billing/retainers/retainers.service.ts:products.create': { test: T.retainer, safety: 'key' },
  'modules/billing/retainers/retainers.service.ts:subscriptions.create': { test: T.retainer, safety: 'key' },
  'modules/billing/retainers/retainers.service.ts:subscriptions.list': { test: T.retainer, safety: 'read' },
  'modules/billing/retainers/retainers.service.ts:subscriptions.retrieve': { test: T.retainer, safety: 'read' },
  'modules/billing/retainers/retainers.service.ts:subscriptions.update': { test: T.retainer, safety: 'natural' },
  'modules/billing/retainers/retainers.service.ts:subscriptions.cancel': { test: T.retainer, safety: 'key' },
  'modules/billing/retainers/retainers.service.ts:invoices.pay': { test: T.retainer, safety: 'key' },
  'modules/billing/retainers/retainers.service.ts:invoices.retrieve': { test: T.retainer, safety: 'read' },
  'modules/billing/retainers/retainers.service.ts:paymentIntents.retrieve': { test: T.retainer, safety: 'read' },
  'modules/billing/retainers/subscription-invoice.ts:paymentIntents.retrieve': { test: T.retainer, safety: 'read' },
  'modules/billing/billing-webhooks.handler.ts:invoices.retrieve': { test: T.retainer, safety: 'read' },

  'modules/connect/connect.service.ts:accounts.create': { test: T.connect, safety: 'key' },
  'modules/connect/connect.service.ts:accountLinks.create': { test: T.connect, safety: 'natural' },
  'modules/connect/connect.service.ts:accounts.retrieve': { test: T.connect, safety: 'read' },
  'modules/connect/connect.service.ts:accounts.createLoginLink': { test: T.loginLink, safety: 'natural' },
  'modules/connect/connect.service.ts:accounts.update': { test: T.manualSchedule, safety: 'key' },
  'modules/connect/connect.service.ts:accounts.list': { test: T.oldReservation, safety: 'read' },
  'modules/wallet/wallet-funds.service.ts:charges.retrieve': { test: T.chargeFunds, safety: 'read' },
  'modules/payouts/payout-execution.service.ts:transfers.create': { test: T.payout, safety: 'key' },
  'modules/payouts/payout-execution.service.ts:payouts.create': { test: T.payout, safety: 'key' },
  'modules/payouts/payout-execution.service.ts:transfers.list': { test: T.payout, safety: 'read' },
  'modules/payouts/payout-execution.service.ts:payouts.list': { test: T.payout, safety: 'read' },
  'modules/payouts/payout-execution.service.ts:payouts.retrieve': { test: T.payout, safety: 'read' },
  'modules/payouts/payout-execution.service.ts:transfers.createReversal': { test: T.reversal, safety: 'key' },
  'modules/payouts/payout-execution.service.ts:transfers.retrieve': { test: T.reversal, safety: 'read' },
};

export const SRC_ROOT = join(__dirname, '../../src');

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = join(dir, d.name);
    if (d.isDirectory()) return tsFiles(p);
    return d.name.endsWith('.ts') && !d.name.endsWith('.spec.ts') ? [p] : [];
  });
}

/** `stripe.<resource>.<method>(` / `this.stripe.<resource>.<method>(` in backend/src, whitespace and line breaks allowed. */
export function scanCallSites(root = SRC_ROOT): Map<string, number[]> {
  const found = new Map<string, number[]>();
  for (const file of tsFiles(root)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\bstripe\s*\.\s*([a-zA-Z]+)\s*\.\s*([a-zA-Z]+)\s*\(/g)) {
      const id = `${relative(root, file).split('\\').join('/')}:${m[1]}.${m[2]}`;
      const line = text.slice(0, m.index).split('\n').length;
      found.set(id, [...(found.get(id) ?? []), line]);
    }
  }
  return found;
}
