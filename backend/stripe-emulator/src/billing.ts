import { minorToMajor } from './cards';
import StripeRuntime from 'stripe';
import type Stripe from 'stripe';
import { applyMetadata, bool, currency as currencyParam, int, obj, previousAttributes, RequestContext, reqStr, snapshot, str } from './core';
import { invalid } from './errors';
import type { ParamObject } from './params';
import { confirmPaymentIntent, createPaymentIntent, piHooks, cancelPaymentIntent } from './payments';
import { State } from './state';

export function dec(n: number): Stripe.Decimal {
  return (StripeRuntime as unknown as { Decimal: { from(s: string): Stripe.Decimal } }).Decimal.from(String(n));
}

function lineFor(item: Stripe.InvoiceItem): Stripe.InvoiceLineItem {
  return {
    id: `il_${item.id.slice(3)}`,
    object: 'line_item',
    amount: item.amount,
    currency: item.currency,
    description: item.description,
    discount_amounts: [],
    discountable: item.discountable,
    discounts: [],
    invoice: typeof item.invoice === 'string' ? item.invoice : null,
    livemode: false,
    metadata: { ...(item.metadata ?? {}) },
    parent: {
      type: 'invoice_item_details',
      invoice_item_details: { invoice_item: item.id, proration: false, proration_details: { credited_items: null }, subscription: null },
      subscription_item_details: null,
    },
    period: { ...item.period },
    pretax_credit_amounts: [],
    pricing: item.pricing,
    quantity: item.quantity,
    quantity_decimal: item.quantity_decimal,
    subscription: null,
    subtotal: item.amount,
    taxes: [],
  };
}

export function recompute(st: State, inv: Stripe.Invoice, account: string): void {
  const items = st.invoiceItems.list(account, (i) => i.invoice === inv.id).reverse();
  const extra = (inv.lines.data ?? []).filter((l) => l.parent?.type === 'subscription_item_details');
  const data = [...items.map(lineFor), ...extra];
  const total = data.reduce((s, l) => s + l.amount, 0);
  inv.lines = { object: 'list', data, has_more: false, url: `/v1/invoices/${inv.id}/lines` };
  inv.subtotal = total;
  inv.subtotal_excluding_tax = total;
  inv.total = total;
  inv.total_excluding_tax = total;
  inv.amount_due = total;
  inv.amount_remaining = total - inv.amount_paid;
}

/** `setup` runs on the draft before totals are computed and `invoice.created` is recorded (subscriptions use it). */
export function createInvoice(st: State, ctx: RequestContext, p: ParamObject, setup?: (inv: Stripe.Invoice) => void): Stripe.Invoice {
  const customerId = reqStr(p, 'customer');
  const customer = st.customerOrThrow(customerId, ctx);
  const collection = (str(p, 'collection_method') ?? 'charge_automatically') as Stripe.Invoice.CollectionMethod;
  if (!['charge_automatically', 'send_invoice'].includes(collection)) throw invalid('Invalid collection_method', 'collection_method');
  const days = int(p, 'days_until_due');
  const dueDate = int(p, 'due_date');
  if (collection === 'send_invoice' && days === undefined && dueDate === undefined)
    throw invalid(
      'Invoices with `send_invoice` collection method require either `days_until_due` or `due_date`.',
      'days_until_due',
      'invoice_missing_days_until_due' as string,
    );
  if (collection === 'charge_automatically' && (days !== undefined || dueDate !== undefined))
    throw invalid('Invoices with `charge_automatically` collection method cannot have a `days_until_due` or `due_date`.', 'days_until_due');
  const now = st.core.now();
  const inv: Stripe.Invoice = {
    id: st.core.id('in'),
    object: 'invoice',
    account_country: 'US',
    account_name: 'CollabPay (emulator)',
    account_tax_ids: null,
    amount_due: 0,
    amount_overpaid: 0,
    amount_paid: 0,
    amount_remaining: 0,
    amount_shipping: 0,
    application: null,
    attempt_count: 0,
    attempted: false,
    auto_advance: bool(p, 'auto_advance') ?? false,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null, provider: null, status: null },
    automatically_finalizes_at: null,
    billing_reason: 'manual',
    collection_method: collection,
    created: now,
    currency: str(p, 'currency') ? currencyParam(p) : (customer.currency ?? 'usd'),
    custom_fields: null,
    customer: customer.id,
    customer_account: null,
    customer_address: customer.address ?? null,
    customer_email: customer.email,
    customer_name: customer.name ?? null,
    customer_phone: customer.phone ?? null,
    customer_shipping: null,
    customer_tax_exempt: 'none',
    customer_tax_ids: [],
    default_payment_method: str(p, 'default_payment_method') ?? null,
    default_source: null,
    default_tax_rates: [],
    description: str(p, 'description') ?? null,
    discounts: [],
    due_date: dueDate ?? null,
    effective_at: null,
    ending_balance: null,
    footer: str(p, 'footer') ?? null,
    from_invoice: null,
    hosted_invoice_url: null,
    invoice_pdf: null,
    issuer: { type: 'self' },
    last_finalization_error: null,
    latest_revision: null,
    lines: { object: 'list', data: [], has_more: false, url: '' },
    livemode: false,
    metadata: applyMetadata({}, p),
    next_payment_attempt: null,
    number: null,
    on_behalf_of: null,
    parent: null,
    payment_settings: { default_mandate: null, payment_method_options: null, payment_method_types: null },
    period_end: now,
    period_start: now,
    post_payment_credit_notes_amount: 0,
    pre_payment_credit_notes_amount: 0,
    receipt_number: null,
    rendering: null,
    shipping_cost: null,
    shipping_details: null,
    starting_balance: 0,
    statement_descriptor: null,
    status: 'draft',
    status_transitions: { finalized_at: null, marked_uncollectible_at: null, paid_at: null, voided_at: null },
    subtotal: 0,
    subtotal_excluding_tax: 0,
    test_clock: null,
    total: 0,
    total_discount_amounts: [],
    total_excluding_tax: 0,
    total_pretax_credit_amounts: [],
    total_taxes: [],
    webhooks_delivered_at: null,
  };
  if (days !== undefined) st.invoiceDays.set(inv.id, days);
  st.invoices.add(inv, ctx.account);
  if (str(p, 'pending_invoice_items_behavior') === 'include') {
    for (const item of st.invoiceItems.list(ctx.account, (i) => i.customer === customer.id && i.invoice === null)) item.invoice = inv.id;
  }
  setup?.(inv);
  recompute(st, inv, ctx.account);
  st.emit('invoice.created', inv, { account: ctx.account, ctx });
  return inv;
}

export function createInvoiceItem(st: State, ctx: RequestContext, p: ParamObject): Stripe.InvoiceItem {
  const customerId = reqStr(p, 'customer');
  st.customerOrThrow(customerId, ctx);
  const invoiceId = str(p, 'invoice') ?? null;
  let inv: Stripe.Invoice | null = null;
  if (invoiceId) {
    inv = st.invoices.get(invoiceId, ctx.account, 'invoice');
    if (inv.status !== 'draft')
      throw invalid(
        `You can only add invoice items to draft invoices. Invoice ${inv.id} has status ${inv.status}.`,
        'invoice',
        'invoice_not_editable' as string,
      );
    if (inv.customer !== customerId) throw invalid('The invoice item and invoice must belong to the same customer.', 'invoice');
  }
  const quantity = int(p, 'quantity') ?? 1;
  const priceData = obj(p, 'price_data');
  let unit: number | undefined;
  let cur: string | undefined = str(p, 'currency')?.toLowerCase();
  if (priceData) {
    unit = int(priceData, 'unit_amount');
    cur = str(priceData, 'currency')?.toLowerCase() ?? cur;
  } else if (str(p, 'unit_amount_decimal')) {
    unit = Math.round(Number(str(p, 'unit_amount_decimal')));
  } else if (int(p, 'unit_amount') !== undefined) {
    unit = int(p, 'unit_amount');
  }
  const priceId = str(p, 'price');
  if (priceId) {
    const price = st.prices.get(priceId, ctx.account, 'price');
    unit = price.unit_amount ?? 0;
    cur = price.currency;
  }
  const amount = int(p, 'amount') ?? (unit !== undefined ? unit * quantity : undefined);
  if (amount === undefined) throw invalid('You must specify either `amount`, `price`, `price_data` or `unit_amount_decimal`.', 'amount', 'parameter_missing');
  cur = cur ?? inv?.currency;
  if (!cur) throw invalid('Missing required param: currency.', 'currency', 'parameter_missing');
  if (inv && inv.currency !== cur) throw invalid(`The currency of the invoice item (${cur}) must match the invoice currency (${inv.currency}).`, 'currency');
  const now = st.core.now();
  const item: Stripe.InvoiceItem = {
    id: st.core.id('ii'),
    object: 'invoiceitem',
    amount,
    currency: cur,
    customer: customerId,
    customer_account: null,
    date: now,
    description: str(p, 'description') ?? null,
    discountable: true,
    discounts: [],
    invoice: invoiceId,
    livemode: false,
    metadata: applyMetadata({}, p),
    net_amount: amount,
    parent: null,
    period: { start: now, end: now },
    pricing: { type: 'price_details', unit_amount_decimal: dec(unit ?? amount), ...(priceId ? { price_details: { price: priceId, product: '' } } : {}) },
    proration: false,
    quantity,
    quantity_decimal: dec(quantity),
    tax_rates: [],
    test_clock: null,
  };
  st.invoiceItems.add(item, ctx.account);
  if (inv) recompute(st, inv, ctx.account);
  st.emit('invoiceitem.created', item, { account: ctx.account, ctx });
  return item;
}

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

function invoicePi(st: State, inv: Stripe.Invoice): Stripe.PaymentIntent | undefined {
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

export function voidInvoice(st: State, ctx: RequestContext, inv: Stripe.Invoice): Stripe.Invoice {
  if (inv.status !== 'open')
    throw invalid(`You can only void an open invoice. This invoice has status ${inv.status}.`, undefined, 'invoice_not_open' as string);
  const pi = invoicePi(st, inv);
  if (pi && ['requires_payment_method', 'requires_confirmation', 'requires_action'].includes(pi.status))
    cancelPaymentIntent(st, ctx, pi, { cancellation_reason: 'void_invoice' });
  inv.status = 'void';
  inv.status_transitions.voided_at = st.core.now();
  inv.next_payment_attempt = null;
  st.emit('invoice.voided', inv, { account: ctx.account, ctx, previous: { status: 'open' } });
  return inv;
}

export function sendInvoice(st: State, ctx: RequestContext, inv: Stripe.Invoice): Stripe.Invoice {
  if (inv.collection_method !== 'send_invoice') throw invalid("You can only manually send an invoice if its collection method is 'send_invoice'.");
  if (inv.status === 'draft') finalizeInvoice(st, ctx, ctx.account, inv);
  if (inv.status !== 'open')
    throw invalid(`You can only send an open invoice. This invoice has status ${inv.status}.`, undefined, 'invoice_not_open' as string);
  st.emit('invoice.sent', inv, { account: ctx.account, ctx });
  return inv;
}

export function updateInvoice(st: State, ctx: RequestContext, inv: Stripe.Invoice, p: ParamObject): Stripe.Invoice {
  const before = snapshot(inv);
  const draftOnly = ['collection_method', 'days_until_due', 'due_date', 'currency', 'auto_advance'];
  if (inv.status !== 'draft' && draftOnly.some((k) => p[k] !== undefined && k !== 'auto_advance'))
    throw invalid(
      'Finalized invoices can only update metadata, description, footer, default_payment_method and auto_advance.',
      undefined,
      'invoice_not_editable' as string,
    );
  if (p.description !== undefined) inv.description = str(p, 'description') || null;
  if (p.footer !== undefined) inv.footer = str(p, 'footer') || null;
  if (p.auto_advance !== undefined) inv.auto_advance = bool(p, 'auto_advance');
  if (p.default_payment_method !== undefined) inv.default_payment_method = str(p, 'default_payment_method') || null;
  if (p.collection_method !== undefined) inv.collection_method = str(p, 'collection_method') as Stripe.Invoice.CollectionMethod;
  const days = int(p, 'days_until_due');
  if (days !== undefined) st.invoiceDays.set(inv.id, days);
  if (p.due_date !== undefined) inv.due_date = int(p, 'due_date') ?? null;
  inv.metadata = applyMetadata(inv.metadata, p);
  const prev = previousAttributes(before, inv);
  if (Object.keys(prev).length) st.emit('invoice.updated', inv, { account: ctx.account, ctx, previous: prev });
  return inv;
}

export function markUncollectible(st: State, ctx: RequestContext, inv: Stripe.Invoice): Stripe.Invoice {
  if (inv.status !== 'open') throw invalid('You can only mark an open invoice as uncollectible.', undefined, 'invoice_not_open' as string);
  inv.status = 'uncollectible';
  inv.status_transitions.marked_uncollectible_at = st.core.now();
  st.emit('invoice.marked_uncollectible', inv, { account: ctx.account, ctx, previous: { status: 'open' } });
  return inv;
}

/** A real (tiny) PDF naming the invoice. */
export function invoicePdf(inv: Stripe.Invoice): Buffer {
  const amount = minorToMajor(inv.amount_due, inv.currency);
  const text = `Invoice ${inv.number ?? inv.id} - ${amount} ${inv.currency.toUpperCase()} - ${inv.status}`.replace(/[()\\]/g, '');
  const content = `BT /F1 18 Tf 72 720 Td (${text}) Tj ET`;
  const objs = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objs.forEach((o, i) => {
    offsets.push(Buffer.byteLength(out));
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out);
  out += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}
