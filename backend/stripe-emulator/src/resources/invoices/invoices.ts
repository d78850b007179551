import type Stripe from 'stripe';
import { applyMetadata, bool, currency as currencyParam, int, previousAttributes, reqStr, RequestContext, snapshot, str } from '../../core';
import { invalid } from '../../errors';
import { all, crud, deleted, eq, listOf, route, Route } from '../../http/router';
import type { ParamObject } from '../../params';
import { State } from '../../state';
import { cancelPaymentIntent } from '../payment-intents';
import { finalizeInvoice, invoicePi, payInvoice } from './collection';
import { recompute } from './lines';

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

export function invoiceRoutes(): Route[] {
  return [
    route('POST', '/v1/invoices', (r) => createInvoice(r.st, r.ctx, r.params)),
    ...crud<Stripe.Invoice>('/v1/invoices', (st) => st.invoices, {
      filter: (p) =>
        all(
          eq(p, 'customer', (i: Stripe.Invoice) => i.customer),
          eq(p, 'status', (i) => i.status),
          eq(p, 'collection_method', (i) => i.collection_method),
          eq(p, 'subscription', (i) => i.parent?.subscription_details?.subscription),
        ),
      update: (r, i) => updateInvoice(r.st, r.ctx, i, r.params),
      del: (r, i) => {
        if (i.status !== 'draft') throw invalid('You can only delete draft invoices.', undefined, 'invoice_not_editable');
        r.st.invoices.delete(i.id);
        r.st.emit('invoice.deleted', i, { account: r.ctx.account, ctx: r.ctx });
        return deleted(i.id, 'invoice');
      },
    }),
    route('GET', '/v1/invoices/:id/lines', (r) => {
      const inv = r.st.invoices.get(r.path.id, r.ctx.account);
      recompute(r.st, inv, r.ctx.account);
      return listOf(inv.lines.data, r.params, `/v1/invoices/${inv.id}/lines`);
    }),
    route('POST', '/v1/invoices/:id/finalize', (r) => {
      const inv = r.st.invoices.get(r.path.id, r.ctx.account);
      if (r.params.auto_advance !== undefined) inv.auto_advance = bool(r.params, 'auto_advance');
      return finalizeInvoice(r.st, r.ctx, r.ctx.account, inv);
    }),
    route('POST', '/v1/invoices/:id/pay', (r) => payInvoice(r.st, r.ctx, r.ctx.account, r.st.invoices.get(r.path.id, r.ctx.account), r.params)),
    route('POST', '/v1/invoices/:id/send', (r) => sendInvoice(r.st, r.ctx, r.st.invoices.get(r.path.id, r.ctx.account))),
    route('POST', '/v1/invoices/:id/void', (r) => voidInvoice(r.st, r.ctx, r.st.invoices.get(r.path.id, r.ctx.account))),
    route('POST', '/v1/invoices/:id/mark_uncollectible', (r) => markUncollectible(r.st, r.ctx, r.st.invoices.get(r.path.id, r.ctx.account))),
  ];
}
