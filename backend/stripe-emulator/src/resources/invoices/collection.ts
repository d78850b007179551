import type Stripe from 'stripe';
import { bool, previousAttributes, RequestContext, snapshot, str } from '../../core';
import { invalid } from '../../errors';
import type { ParamObject } from '../../params';
import { State } from '../../state';
import { piHooks } from '../payment-attempt';
import { confirmPaymentIntent, createPaymentIntent } from '../payment-intents';
import { recompute } from './lines';

/** Finalizing and collecting an invoice: its PaymentIntent, paying, and what the intent's outcome does to it. */

function invoicePaymentOf(st: State, inv: Stripe.Invoice, pi: Stripe.PaymentIntent): Stripe.InvoicePayment {
  return {
    id: `inpay_${inv.id.slice(3)}`,
    object: 'invoice_payment',
    amount_paid: null,
    amount_requested: inv.amount_due,
    created: st.core.now(),
    currency: inv.currency,
    invoice: inv.id,
    is_default: true,
    livemode: false,
    payment: { type: 'payment_intent', payment_intent: pi.id },
    status: 'open',
    status_transitions: { canceled_at: null, paid_at: null },
  };
}

export interface FinalizeOptions {
  /** description of the invoice's PaymentIntent (Stripe: 'Subscription creation' / 'Subscription update') */
  piDescription?: string;
  /** false: the caller attempts the payment itself (subscriptions), no delayed automatic attempt */
  scheduleAttempt?: boolean;
}

export function finalizeInvoice(st: State, ctx: RequestContext | null, account: string, inv: Stripe.Invoice, opts: FinalizeOptions = {}): Stripe.Invoice {
  if (inv.status !== 'draft')
    throw invalid(`This invoice is already finalized, you can't re-finalize a non-draft invoice.`, undefined, 'invoice_not_editable' as string);
  const now = st.core.now();
  recompute(st, inv, account);
  const token = st.core.secret(20);
  st.invoiceTokens.set(token, inv.id);
  st.invoiceTokenOf.set(inv.id, token);
  const seq = st.invoices.list(account, (i) => i.number !== null).length + 1;
  inv.number = `EMU${String(seq).padStart(4, '0')}`;
  inv.status = 'open';
  inv.effective_at = now;
  inv.status_transitions.finalized_at = now;
  inv.hosted_invoice_url = `${st.core.opts.publicUrl}/invoice/${token}`;
  inv.invoice_pdf = `${st.core.opts.publicUrl}/invoice/${token}/pdf`;
  inv.starting_balance = 0;
  inv.ending_balance = 0;
  const days = st.invoiceDays.get(inv.id);
  if (inv.collection_method === 'send_invoice' && inv.due_date === null && days !== undefined) inv.due_date = now + days * 86400;
  if (inv.amount_due === 0) {
    inv.status = 'paid';
    inv.status_transitions.paid_at = now;
    st.emit('invoice.finalized', inv, { account, ctx });
    st.emit('invoice.paid', inv, { account, ctx });
    return inv;
  }
  const piCtx: RequestContext = ctx ?? { account, connect: account !== st.platform, requestId: null, idempotencyKey: null, publishable: false };
  const pi = createPaymentIntent(
    st,
    { ...piCtx, idempotencyKey: null },
    {
      amount: String(inv.amount_due),
      currency: inv.currency,
      customer: String(inv.customer),
      description: opts.piDescription ?? 'Payment for Invoice',
      payment_method_types: ['card', 'us_bank_account'],
    },
  );
  st.piPrivate.get(pi.id)!.invoice = inv.id;
  inv.confirmation_secret = { client_secret: pi.client_secret!, type: 'payment_intent' };
  inv.payments = { object: 'list', data: [invoicePaymentOf(st, inv, pi)], has_more: false, url: `/v1/invoice_payments?invoice=${inv.id}` };
  if (inv.collection_method === 'charge_automatically' && inv.auto_advance) inv.next_payment_attempt = now + 3600;
  st.emit('invoice.finalized', inv, { account, ctx });
  if (inv.collection_method === 'charge_automatically' && inv.auto_advance && opts.scheduleAttempt !== false) {
    st.core.schedule(st.core.opts.delays.processingMs, () => {
      if (inv.status !== 'open') return;
      try {
        payInvoice(st, null, account, inv, {});
      } catch {
        /* payment_failed event already emitted */
      }
    });
  }
  return inv;
}

export function invoicePi(st: State, inv: Stripe.Invoice): Stripe.PaymentIntent | undefined {
  const pay = inv.payments?.data[0]?.payment.payment_intent;
  return typeof pay === 'string' ? st.paymentIntents.find(pay) : undefined;
}

function markPaid(st: State, ctx: RequestContext | null, account: string, inv: Stripe.Invoice, outOfBand: boolean): void {
  const before = snapshot(inv);
  const now = st.core.now();
  inv.status = 'paid';
  inv.amount_paid = inv.amount_due;
  inv.amount_remaining = 0;
  if (!outOfBand) {
    inv.attempted = true;
    inv.attempt_count += 1;
  }
  inv.next_payment_attempt = null;
  inv.status_transitions.paid_at = now;
  if (outOfBand) inv.amount_paid_off_stripe = inv.amount_due;
  const payment = inv.payments?.data[0];
  if (payment) {
    payment.status = outOfBand ? 'canceled' : 'paid';
    payment.amount_paid = outOfBand ? 0 : inv.amount_due;
    payment.status_transitions.paid_at = outOfBand ? null : now;
  }
  const prev = previousAttributes(before, inv);
  st.emit('invoice.paid', inv, { account, ctx, previous: prev });
  st.emit('invoice.payment_succeeded', inv, { account, ctx, previous: prev });
  if (payment && !outOfBand) st.emit('invoice_payment.paid', payment, { account, ctx });
  for (const h of st.invoicePaidHooks) h(inv, account, ctx);
}

piHooks.succeeded.push((st, pi, ctx) => {
  const invId = st.piPrivate.get(pi.id)?.invoice;
  if (!invId) return;
  const inv = st.invoices.find(invId);
  const account = st.paymentIntents.accountOf(pi.id)!;
  if (inv && inv.status === 'open') markPaid(st, ctx, account, inv, false);
});
piHooks.failed.push((st, pi, ctx) => {
  const invId = st.piPrivate.get(pi.id)?.invoice;
  if (!invId) return;
  const inv = st.invoices.find(invId);
  const account = st.paymentIntents.accountOf(pi.id)!;
  if (!inv || inv.status !== 'open') return;
  inv.attempt_count += 1;
  inv.attempted = true;
  inv.next_payment_attempt = inv.collection_method === 'charge_automatically' ? st.core.now() + 3 * 86400 : null;
  st.emit('invoice.payment_failed', inv, { account, ctx });
  for (const h of st.invoiceFailedHooks) h(inv, account, ctx);
});

export function payInvoice(st: State, ctx: RequestContext | null, account: string, inv: Stripe.Invoice, p: ParamObject): Stripe.Invoice {
  if (inv.status === 'paid') throw invalid('Invoice is already paid', undefined, 'invoice_already_paid' as string);
  if (inv.status !== 'open' && inv.status !== 'draft')
    throw invalid(`You can only pay an open invoice. This invoice has status ${inv.status}.`, undefined, 'invoice_not_open' as string);
  if (bool(p, 'paid_out_of_band')) {
    if (inv.status === 'draft') finalizeInvoice(st, ctx, account, inv, { scheduleAttempt: false });
    if (inv.status === 'paid') return inv;
    const pi = invoicePi(st, inv);
    if (pi && ['requires_payment_method', 'requires_confirmation', 'requires_action'].includes(pi.status)) {
      pi.status = 'canceled';
      pi.canceled_at = st.core.now();
      pi.cancellation_reason = 'void_invoice';
    }
    markPaid(st, ctx, account, inv, true);
    return inv;
  }
  const c: RequestContext = ctx ?? { account, connect: account !== st.platform, requestId: null, idempotencyKey: null, publishable: false };
  const customer = st.customers.find(String(inv.customer));
  const subId = inv.parent?.subscription_details?.subscription;
  const sub = typeof subId === 'string' ? st.subscriptions.find(subId) : undefined;
  // Stripe's order: the invoice's default, the subscription's default, the customer's invoice default
  const pmId =
    str(p, 'payment_method') ??
    (typeof inv.default_payment_method === 'string' ? inv.default_payment_method : undefined) ??
    (typeof sub?.default_payment_method === 'string' ? sub.default_payment_method : undefined) ??
    (typeof customer?.invoice_settings.default_payment_method === 'string' ? customer.invoice_settings.default_payment_method : undefined);
  if (!pmId)
    throw invalid(
      'This customer has no attached payment source or default payment method. Please consider adding a default payment method.',
      undefined,
      'invoice_no_payment_method' as string,
    );
  // Stripe finalizes a draft before attempting its payment (a zero-amount draft is paid by finalizing it)
  if (inv.status === 'draft') finalizeInvoice(st, ctx, account, inv, { scheduleAttempt: false });
  if (inv.status === 'paid') return inv;
  const pi = invoicePi(st, inv);
  if (!pi) throw invalid('This invoice has no payment to attempt.');
  confirmPaymentIntent(st, c, pi, { payment_method: pmId, off_session: str(p, 'off_session') ?? (ctx ? 'false' : 'true') });
  return inv;
}
