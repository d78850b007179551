import type Stripe from 'stripe';
import { createInvoice, dec, finalizeInvoice, payInvoice } from './billing';
import { ZERO_DECIMAL } from './cards';
import { applyMetadata, arr, bool, currency as currencyParam, int, obj, previousAttributes, RequestContext, reqStr, snapshot, str, strArr } from './core';
import { invalid, StripeApiError } from './errors';
import type { ParamObject } from './params';
import { route, listOf, type ApiRequest, type Route } from './routes';
import { attachedPaymentMethod } from './shorthand';
import { State, SubPrivate } from './state';

/*
 * Products, prices and subscriptions (API 2026-10-28: the billing period lives on the subscription items,
 * `current_period_start/end`; an invoice names its subscription in `parent.subscription_details`).
 *
 * Time: a subscription does not follow the emulator clock by itself. `advanceSubscription` (control endpoint
 * `POST /_emulator/subscriptions/:id/advance_period`) moves one subscription to its next period, the way a
 * Stripe test clock would: the renewal invoice is created, finalized and charged at once.
 */

const INTERVALS = ['day', 'week', 'month', 'year'];
/** Stripe allows at most three years between two billings */
const MAX_COUNT: Record<string, number> = { day: 1095, week: 156, month: 36, year: 3 };
/** failed renewals: retries (Smart Retries stand-in) 3, 5 and 7 days apart, then the subscription is canceled */
export const RETRY_DAYS = [3, 5, 7];

function sysCtx(st: State, account: string): RequestContext {
  return { account, connect: account !== st.platform, requestId: null, idempotencyKey: null, publishable: false };
}

/** `anchor` moved by `n` intervals; months keep the anchor's day, clamped to the month's end (Jan 31 → Feb 28 → Mar 31). */
export function addIntervals(anchor: number, interval: string, count: number, n: number): number {
  if (interval === 'day') return anchor + n * count * 86400;
  if (interval === 'week') return anchor + n * count * 7 * 86400;
  const d = new Date(anchor * 1000);
  const months = (interval === 'year' ? 12 : 1) * count * n;
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + months;
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return Math.floor(Date.UTC(y, m, Math.min(d.getUTCDate(), last), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()) / 1000);
}

function money(amount: number, currency: string): string {
  const exp = ZERO_DECIMAL.has(currency) ? 0 : 2;
  const sym: Record<string, string> = { usd: '$', eur: '€', gbp: '£', jpy: '¥' };
  const major = (amount / 10 ** exp).toLocaleString('en-US', { minimumFractionDigits: exp, maximumFractionDigits: exp });
  return sym[currency] ? `${sym[currency]}${major}` : `${major} ${currency.toUpperCase()}`;
}

// ---------------------------------------------------------------- products

export function createProduct(st: State, ctx: RequestContext, p: ParamObject, prefix = ''): Stripe.Product {
  const name = str(p, 'name');
  if (!name) throw invalid(`Missing required param: ${prefix}name.`, `${prefix}name`, 'parameter_missing');
  const id = str(p, 'id') || st.core.id('prod');
  if (st.products.find(id)) throw invalid('Product already exists.', 'id', 'resource_already_exists');
  const now = st.core.now();
  const product: Stripe.Product = {
    id,
    object: 'product',
    active: bool(p, 'active') ?? true,
    created: now,
    default_price: null,
    description: str(p, 'description') || null,
    images: strArr(p, 'images') ?? [],
    livemode: false,
    marketing_features: [],
    metadata: applyMetadata({}, p),
    name,
    package_dimensions: null,
    shippable: null,
    statement_descriptor: str(p, 'statement_descriptor') ?? null,
    tax_code: str(p, 'tax_code') ?? null,
    tax_details: null,
    type: 'service',
    unit_label: str(p, 'unit_label') ?? null,
    updated: now,
    url: str(p, 'url') ?? null,
  };
  st.products.add(product, ctx.account);
  st.emit('product.created', product, { account: ctx.account, ctx });
  const dpd = obj(p, 'default_price_data');
  if (dpd) {
    const price = createPrice(st, ctx, { ...dpd, product: product.id }, { prefix: 'default_price_data' });
    product.default_price = price.id;
  }
  return product;
}

function updateProduct(st: State, ctx: RequestContext, product: Stripe.Product, p: ParamObject): Stripe.Product {
  const before = snapshot(product);
  if (p.name !== undefined) {
    const name = str(p, 'name');
    if (!name) throw invalid('You cannot set name to an empty string.', 'name', 'parameter_invalid_empty');
    product.name = name;
  }
  if (p.description !== undefined) product.description = str(p, 'description') || null;
  if (p.active !== undefined) product.active = bool(p, 'active') ?? product.active;
  if (p.default_price !== undefined) {
    const priceId = str(p, 'default_price');
    if (priceId) {
      const price = st.prices.get(priceId, ctx.account, 'default_price');
      if (price.product !== product.id) throw invalid(`The price ${priceId} does not belong to product ${product.id}.`, 'default_price');
    }
    product.default_price = priceId || null;
  }
  product.metadata = applyMetadata(product.metadata, p);
  const prev = previousAttributes(before, product);
  if (Object.keys(prev).length) {
    product.updated = st.core.now();
    st.emit('product.updated', product, { account: ctx.account, ctx, previous: prev });
  }
  return product;
}

// ---------------------------------------------------------------- prices

/**
 * POST /v1/prices, and the inline prices of `items[][price_data]` (`inline`: created inactive, like Stripe's
 * one-off prices, and without `product_data`).
 */
export function createPrice(st: State, ctx: RequestContext, p: ParamObject, opts: { prefix?: string; inline?: boolean } = {}): Stripe.Price {
  const at = (k: string) => (opts.prefix ? `${opts.prefix}[${k}]` : k);
  const cur = str(p, 'currency');
  if (!cur) throw invalid(`Missing required param: ${at('currency')}.`, at('currency'), 'parameter_missing');
  const currency = currencyParam(p);
  let productId = str(p, 'product');
  const productData = obj(p, 'product_data');
  if (productId && productData) throw invalid(`You may only specify one of these parameters: ${at('product')}, ${at('product_data')}.`, at('product'));
  if (!productId && productData && !opts.inline) productId = createProduct(st, ctx, productData, `${at('product_data')}[`).id;
  if (!productId) throw invalid(`Missing required param: ${at('product')}.`, at('product'), 'parameter_missing');
  const product = st.products.get(productId, ctx.account, at('product'));
  if (!product.active && !opts.inline)
    throw invalid(`The product ${product.id} is inactive; a price cannot be created for it.`, at('product'), 'product_inactive');
  const unit = int(p, 'unit_amount');
  const unitDecimal = str(p, 'unit_amount_decimal');
  if (unit !== undefined && unitDecimal !== undefined)
    throw invalid(`You may only specify one of these parameters: ${at('unit_amount')}, ${at('unit_amount_decimal')}.`, at('unit_amount'));
  const amount = unit ?? (unitDecimal !== undefined && unitDecimal !== '' ? Number(unitDecimal) : undefined);
  if (amount === undefined || !Number.isFinite(amount)) throw invalid(`Missing required param: ${at('unit_amount')}.`, at('unit_amount'), 'parameter_missing');
  if (amount < 0) throw invalid('This value must be greater than or equal to 0.', at('unit_amount'), 'parameter_invalid_integer');
  const rec = obj(p, 'recurring');
  let recurring: Stripe.Price.Recurring | null = null;
  if (rec) {
    const interval = str(rec, 'interval');
    if (!interval) throw invalid(`Missing required param: ${at('recurring')}[interval].`, `${at('recurring')}[interval]`, 'parameter_missing');
    if (!INTERVALS.includes(interval))
      throw invalid(`Invalid ${at('recurring')}[interval]: must be one of day, month, week, or year`, `${at('recurring')}[interval]`);
    const count = int(rec, 'interval_count') ?? 1;
    if (count < 1 || count > MAX_COUNT[interval])
      throw invalid('Invalid interval: must be at most three years (3 years, 36 months, or 156 weeks).', `${at('recurring')}[interval_count]`);
    recurring = { interval: interval as Stripe.Price.Recurring.Interval, interval_count: count, meter: null, trial_period_days: null, usage_type: 'licensed' };
  } else if (opts.inline) {
    throw invalid(`Missing required param: ${at('recurring')}.`, at('recurring'), 'parameter_missing');
  }
  const price: Stripe.Price = {
    id: st.core.id('price'),
    object: 'price',
    active: opts.inline ? false : (bool(p, 'active') ?? true),
    billing_scheme: 'per_unit',
    created: st.core.now(),
    currency,
    custom_unit_amount: null,
    livemode: false,
    lookup_key: str(p, 'lookup_key') || null,
    metadata: applyMetadata({}, p),
    nickname: str(p, 'nickname') || null,
    product: product.id,
    recurring,
    tax_behavior: (str(p, 'tax_behavior') as Stripe.Price.TaxBehavior | undefined) ?? 'unspecified',
    tiers_mode: null,
    transform_quantity: null,
    type: recurring ? 'recurring' : 'one_time',
    unit_amount: Number.isInteger(amount) ? amount : null,
    unit_amount_decimal: dec(amount),
  };
  st.prices.add(price, ctx.account);
  st.emit('price.created', price, { account: ctx.account, ctx });
  return price;
}

function updatePrice(st: State, ctx: RequestContext, price: Stripe.Price, p: ParamObject): Stripe.Price {
  const before = snapshot(price);
  for (const k of Object.keys(p))
    if (!['active', 'metadata', 'nickname', 'lookup_key', 'tax_behavior', 'transfer_lookup_key'].includes(k))
      throw invalid(`Received unknown parameter: ${k}`, k, 'parameter_unknown');
  if (p.active !== undefined) price.active = bool(p, 'active') ?? price.active;
  if (p.nickname !== undefined) price.nickname = str(p, 'nickname') || null;
  if (p.lookup_key !== undefined) price.lookup_key = str(p, 'lookup_key') || null;
  price.metadata = applyMetadata(price.metadata, p);
  const prev = previousAttributes(before, price);
  if (Object.keys(prev).length) st.emit('price.updated', price, { account: ctx.account, ctx, previous: prev });
  return price;
}

function planOf(price: Stripe.Price): Stripe.Plan {
  return {
    id: price.id,
    object: 'plan',
    active: price.active,
    amount: price.unit_amount,
    amount_decimal: price.unit_amount_decimal,
    billing_scheme: 'per_unit',
    created: price.created,
    currency: price.currency,
    interval: price.recurring!.interval,
    interval_count: price.recurring!.interval_count,
    livemode: false,
    metadata: { ...price.metadata },
    meter: null,
    nickname: price.nickname,
    product: typeof price.product === 'string' ? price.product : price.product.id,
    tiers_mode: null,
    transform_usage: null,
    trial_period_days: null,
    usage_type: 'licensed',
  };
}

// ---------------------------------------------------------------- subscriptions

function itemPrice(st: State, ctx: RequestContext, item: ParamObject, i: number): Stripe.Price {
  const priceId = str(item, 'price');
  const priceData = obj(item, 'price_data');
  if (priceId && priceData) throw invalid(`You may only specify one of these parameters: items[${i}][price], items[${i}][price_data].`, `items[${i}][price]`);
  let price: Stripe.Price;
  if (priceId) {
    price = st.prices.get(priceId, ctx.account, `items[${i}][price]`);
    if (!price.active) throw invalid(`The price specified is inactive. This field only accepts active prices.`, `items[${i}][price]`);
  } else if (priceData) {
    price = createPrice(st, ctx, priceData, { prefix: `items[${i}][price_data]`, inline: true });
  } else {
    throw invalid(`Missing required param: items[${i}][price].`, `items[${i}][price]`, 'parameter_missing');
  }
  if (!price.recurring)
    throw invalid('The price specified is set to `type=one_time` but this field only accepts prices with `type=recurring`.', `items[${i}][price]`);
  return price;
}

/** A payment method usable as a subscription's default: it must be attached to the customer. */
function defaultPm(st: State, ctx: RequestContext, customer: string, id: string, param = 'default_payment_method'): string {
  const pm = attachedPaymentMethod(st, ctx, customer, id) ?? st.paymentMethods.find(id);
  if (!pm || st.paymentMethods.accountOf(pm.id) !== ctx.account) throw invalid(`No such PaymentMethod: '${id}'`, param, 'resource_missing');
  if (pm.customer !== customer)
    throw invalid(
      `The customer does not have a payment method with the ID ${id}. The payment method must be attached to the customer.`,
      param,
      'resource_missing',
    );
  return pm.id;
}

function customerDefaultPm(st: State, customerId: string): string | null {
  const c = st.customers.find(customerId);
  const pm = c?.invoice_settings.default_payment_method;
  return typeof pm === 'string' ? pm : (pm?.id ?? null);
}

function subPm(st: State, sub: Stripe.Subscription): string | null {
  if (typeof sub.default_payment_method === 'string') return sub.default_payment_method;
  return customerDefaultPm(st, String(sub.customer));
}

function priv(st: State, sub: Stripe.Subscription): SubPrivate {
  const p = st.subPrivate.get(sub.id);
  if (!p) throw new Error(`subscription ${sub.id} has no private state`);
  return p;
}

/** Draft → lines → `invoice.created` for one period of the subscription. */
function subscriptionInvoice(
  st: State,
  ctx: RequestContext,
  sub: Stripe.Subscription,
  reason: Stripe.Invoice.BillingReason,
  service: { start: number; end: number },
  invoicePeriod: { start: number; end: number },
): Stripe.Invoice {
  const params: ParamObject = {
    customer: String(sub.customer),
    collection_method: sub.collection_method,
    currency: sub.currency,
    auto_advance: 'true',
    pending_invoice_items_behavior: 'include',
  };
  if (sub.collection_method === 'send_invoice') params.days_until_due = String(sub.days_until_due ?? 30);
  return createInvoice(st, ctx, params, (inv) => {
    inv.billing_reason = reason;
    inv.description = sub.description;
    inv.parent = {
      type: 'subscription_details',
      quote_details: null,
      subscription_details: { metadata: { ...sub.metadata }, subscription: sub.id },
    };
    inv.period_start = invoicePeriod.start;
    inv.period_end = invoicePeriod.end;
    for (const item of sub.items.data) {
      const qty = item.quantity ?? 1;
      const price = item.price;
      const amount = (price.unit_amount ?? 0) * qty;
      const product = st.products.find(String(price.product));
      const every = price.recurring!.interval_count > 1 ? `every ${price.recurring!.interval_count} ${price.recurring!.interval}s` : price.recurring!.interval;
      inv.lines.data.push({
        id: st.core.id('il'),
        object: 'line_item',
        amount,
        currency: price.currency,
        description: `${qty} × ${product?.name ?? 'Subscription'} (at ${money(price.unit_amount ?? 0, price.currency)} / ${every})`,
        discount_amounts: [],
        discountable: true,
        discounts: [],
        invoice: inv.id,
        livemode: false,
        metadata: { ...sub.metadata },
        parent: {
          type: 'subscription_item_details',
          invoice_item_details: null,
          subscription_item_details: {
            invoice_item: null,
            proration: false,
            proration_details: { credited_items: null },
            subscription: sub.id,
            subscription_item: item.id,
          },
        },
        period: { start: service.start, end: service.end },
        pretax_credit_amounts: [],
        pricing: { type: 'price_details', price_details: { price: price.id, product: String(price.product) }, unit_amount_decimal: price.unit_amount_decimal },
        quantity: qty,
        quantity_decimal: dec(qty),
        subscription: sub.id,
        subtotal: amount,
        taxes: [],
      });
    }
  });
}

/** Charge an open subscription invoice with the subscription's payment method. Never throws on a decline. */
function attemptPayment(st: State, ctx: RequestContext | null, account: string, sub: Stripe.Subscription, inv: Stripe.Invoice, offSession: boolean): void {
  if (inv.status !== 'open' || inv.collection_method !== 'charge_automatically') return;
  const pm = subPm(st, sub);
  if (!pm) {
    // nothing to charge: the attempt fails like a decline would
    inv.attempted = true;
    inv.attempt_count += 1;
    inv.next_payment_attempt = null;
    st.emit('invoice.payment_failed', inv, { account, ctx });
    for (const h of st.invoiceFailedHooks) h(inv, account, ctx);
    return;
  }
  try {
    payInvoice(st, ctx, account, inv, { payment_method: pm, off_session: offSession ? 'true' : 'false' });
  } catch (e) {
    if (!(e instanceof StripeApiError)) throw e;
  }
}

function setStatus(st: State, ctx: RequestContext | null, account: string, sub: Stripe.Subscription, status: Stripe.Subscription.Status): void {
  if (sub.status === status) return;
  const before = snapshot(sub);
  sub.status = status;
  st.emit('customer.subscription.updated', sub, { account, ctx, previous: previousAttributes(before, sub) });
}

export function createSubscription(st: State, ctx: RequestContext, p: ParamObject): Stripe.Subscription {
  const customerId = reqStr(p, 'customer');
  const customer = st.customerOrThrow(customerId, ctx);
  const itemParams = arr(p, 'items');
  if (!itemParams?.length) throw invalid('Missing required param: items.', 'items', 'parameter_missing');
  const collection = (str(p, 'collection_method') ?? 'charge_automatically') as Stripe.Subscription.CollectionMethod;
  if (!['charge_automatically', 'send_invoice'].includes(collection))
    throw invalid('Invalid collection_method: must be one of charge_automatically or send_invoice', 'collection_method');
  const days = int(p, 'days_until_due');
  if (collection === 'send_invoice' && days === undefined) throw invalid('Missing required param: days_until_due.', 'days_until_due', 'parameter_missing');
  if (collection === 'charge_automatically' && days !== undefined)
    throw invalid('`days_until_due` can only be set when `collection_method` is `send_invoice`.', 'days_until_due');
  const behavior = str(p, 'payment_behavior') ?? 'allow_incomplete';
  if (!['allow_incomplete', 'default_incomplete', 'error_if_incomplete', 'pending_if_incomplete'].includes(behavior))
    throw invalid(
      'Invalid payment_behavior: must be one of allow_incomplete, default_incomplete, error_if_incomplete, or pending_if_incomplete',
      'payment_behavior',
    );
  if (behavior === 'pending_if_incomplete')
    throw invalid('`payment_behavior=pending_if_incomplete` is only supported when updating a subscription.', 'payment_behavior');
  const pmParam = str(p, 'default_payment_method');
  const pmId = pmParam ? defaultPm(st, ctx, customer.id, pmParam) : null;

  const prices = itemParams.map((it, i) => {
    if (typeof it !== 'object' || Array.isArray(it)) throw invalid('Invalid array', 'items');
    return { params: it, price: itemPrice(st, ctx, it, i) };
  });
  const first = prices[0].price;
  for (const { price } of prices) {
    if (price.currency !== first.currency) throw invalid('All prices on a subscription must have the same `currency`.', 'items');
    if (price.recurring!.interval !== first.recurring!.interval || price.recurring!.interval_count !== first.recurring!.interval_count)
      throw invalid('All prices on a subscription must have the same `recurring.interval` and `recurring.interval_count`.', 'items');
  }
  const total = prices.reduce((s, x) => s + (x.price.unit_amount ?? 0) * (int(x.params, 'quantity') ?? 1), 0);
  if (collection === 'charge_automatically' && total > 0 && behavior !== 'default_incomplete' && !pmId && !customerDefaultPm(st, customer.id))
    throw invalid(
      'This customer has no attached payment source or default payment method. Please consider adding a default payment method. For more information, visit https://stripe.com/docs/billing/subscriptions/payment-methods-setting#payment-method-priority.',
      undefined,
      'resource_missing',
    );

  const now = st.core.now();
  const { interval, interval_count: count } = first.recurring!;
  const periodEnd = addIntervals(now, interval, count, 1);
  const id = st.core.id('sub');
  const items: Stripe.SubscriptionItem[] = prices.map(({ params, price }) => ({
    id: st.core.id('si'),
    object: 'subscription_item',
    billing_thresholds: null,
    created: now,
    current_period_end: periodEnd,
    current_period_start: now,
    current_trial: null,
    discounts: [],
    metadata: applyMetadata({}, params),
    plan: planOf(price),
    price: snapshot(price),
    quantity: int(params, 'quantity') ?? 1,
    subscription: id,
    tax_rates: [],
  }));
  const sub: Stripe.Subscription = {
    id,
    object: 'subscription',
    application: null,
    application_fee_percent: null,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null },
    billing_cycle_anchor: now,
    billing_cycle_anchor_config: null,
    billing_mode: { flexible: { proration_discounts: 'included' }, type: 'flexible', updated_at: now },
    billing_schedules: [],
    billing_thresholds: null,
    cancel_at: null,
    cancel_at_period_end: false,
    canceled_at: null,
    cancellation_details: { comment: null, feedback: null, feedback_option: null, reason: null },
    collection_method: collection,
    created: now,
    currency: first.currency,
    customer: customer.id,
    customer_account: null,
    days_until_due: days ?? null,
    default_payment_method: pmId,
    default_source: null,
    default_tax_rates: [],
    description: str(p, 'description') || null,
    discounts: [],
    ended_at: null,
    invoice_settings: { account_tax_ids: null, custom_fields: null, description: null, footer: null, issuer: { type: 'self' } },
    items: { object: 'list', data: items, has_more: false, url: `/v1/subscription_items?subscription=${id}` },
    latest_invoice: null,
    livemode: false,
    managed_payments: null,
    metadata: applyMetadata({}, p),
    next_pending_invoice_item_invoice: null,
    on_behalf_of: null,
    pause_collection: null,
    payment_settings: {
      payment_method_options: null,
      payment_method_types: null,
      save_default_payment_method:
        (str(obj(p, 'payment_settings') ?? {}, 'save_default_payment_method') as Stripe.Subscription.PaymentSettings.SaveDefaultPaymentMethod | undefined) ??
        'off',
    },
    pending_invoice_item_interval: null,
    pending_setup_intent: null,
    pending_update: null,
    schedule: null,
    start_date: now,
    status: 'incomplete',
    test_clock: null,
    transfer_data: null,
    trial_end: null,
    trial_settings: { end_behavior: { billing_cycle_anchor: null, missing_payment_method: 'create_invoice' } },
    trial_start: null,
  };
  if (bool(p, 'cancel_at_period_end')) {
    sub.cancel_at_period_end = true;
    sub.cancel_at = periodEnd;
    sub.canceled_at = now;
    sub.cancellation_details!.reason = 'cancellation_requested';
  }
  st.subscriptions.add(sub, ctx.account);
  for (const it of items) st.subscriptionItems.add(it, ctx.account);
  const sp: SubPrivate = { anchor: now, period: 0, interval, intervalCount: count, creating: true, retries: 0 };
  st.subPrivate.set(sub.id, sp);

  // the first invoice: created, finalized and (charge_automatically) paid as part of this request
  const inv = subscriptionInvoice(st, ctx, sub, 'subscription_create', { start: now, end: periodEnd }, { start: now, end: now });
  sub.latest_invoice = inv.id;
  finalizeInvoice(st, ctx, ctx.account, inv, { piDescription: 'Subscription creation', scheduleAttempt: false });
  if (collection === 'send_invoice') {
    sub.status = 'active';
    if (inv.status === 'open') st.emit('invoice.sent', inv, { account: ctx.account, ctx });
  } else {
    if (behavior !== 'default_incomplete') attemptPayment(st, ctx, ctx.account, sub, inv, bool(p, 'off_session') ?? false);
    sub.status = inv.status === 'paid' ? 'active' : 'incomplete';
    // the first invoice is not retried automatically: the customer (or your code) has 23 hours to pay it
    if (inv.status === 'open') inv.next_payment_attempt = null;
  }
  sp.creating = false;
  if (sub.status === 'incomplete' && behavior === 'error_if_incomplete') {
    // Stripe answers 402 and keeps no subscription
    const pi = inv.payments?.data[0]?.payment.payment_intent;
    const intent = typeof pi === 'string' ? st.paymentIntents.find(pi) : undefined;
    const err = intent?.last_payment_error;
    st.subscriptions.delete(sub.id);
    for (const it of items) st.subscriptionItems.delete(it.id);
    inv.status = 'void';
    inv.status_transitions.voided_at = now;
    inv.next_payment_attempt = null;
    st.emit('invoice.voided', inv, { account: ctx.account, ctx, previous: { status: 'open' } });
    throw new StripeApiError(402, {
      type: 'card_error',
      code: err?.code ?? 'card_declined',
      decline_code: err?.decline_code,
      message: err?.message ?? 'Your card was declined.',
      payment_intent: intent ? snapshot(intent) : undefined,
    });
  }
  st.emit('customer.subscription.created', sub, { account: ctx.account, ctx });
  if (sub.status === 'incomplete') {
    // Stripe gives the first payment 23 hours
    st.core.schedule(23 * 3600 * 1000, () => expireIncomplete(st, ctx.account, sub));
  }
  return sub;
}

function expireIncomplete(st: State, account: string, sub: Stripe.Subscription): void {
  if (sub.status !== 'incomplete') return;
  const inv = typeof sub.latest_invoice === 'string' ? st.invoices.find(sub.latest_invoice) : undefined;
  if (inv && inv.status === 'open') {
    const pi = inv.payments?.data[0]?.payment.payment_intent;
    const intent = typeof pi === 'string' ? st.paymentIntents.find(pi) : undefined;
    if (intent && ['requires_payment_method', 'requires_confirmation', 'requires_action'].includes(intent.status)) {
      intent.status = 'canceled';
      intent.next_action = null;
      intent.canceled_at = st.core.now();
      intent.cancellation_reason = 'void_invoice';
      st.emit('payment_intent.canceled', intent, { account });
    }
    inv.status = 'void';
    inv.status_transitions.voided_at = st.core.now();
    inv.next_payment_attempt = null;
    st.emit('invoice.voided', inv, { account, previous: { status: 'open' } });
  }
  const before = snapshot(sub);
  sub.status = 'incomplete_expired';
  sub.ended_at = st.core.now();
  st.emit('customer.subscription.updated', sub, { account, previous: previousAttributes(before, sub) });
}

export function updateSubscription(st: State, ctx: RequestContext, sub: Stripe.Subscription, p: ParamObject): Stripe.Subscription {
  const keys = Object.keys(p);
  if (sub.status === 'canceled' || sub.status === 'incomplete_expired') {
    if (keys.some((k) => k !== 'metadata' && k !== 'cancellation_details'))
      throw invalid('A canceled subscription can only update its cancellation_details and metadata.');
  }
  if (
    sub.status === 'incomplete' &&
    keys.some((k) => !['metadata', 'default_payment_method', 'default_source', 'description', 'payment_behavior', 'off_session'].includes(k))
  )
    throw invalid(
      'A subscription in status `incomplete` can only update `metadata`, `default_payment_method` and `default_source`; pay its first invoice first.',
    );
  if (p.items !== undefined) throw invalid('The emulator does not support changing subscription items; cancel and create a new subscription.', 'items');
  const before = snapshot(sub);
  const now = st.core.now();
  const periodEnd = sub.items.data[0].current_period_end;
  if (p.cancel_at_period_end !== undefined) {
    const atEnd = bool(p, 'cancel_at_period_end') ?? false;
    sub.cancel_at_period_end = atEnd;
    sub.cancel_at = atEnd ? periodEnd : null;
    sub.canceled_at = atEnd ? now : null;
    sub.cancellation_details = { ...sub.cancellation_details!, reason: atEnd ? 'cancellation_requested' : null };
  }
  if (p.cancel_at !== undefined) {
    const at = str(p, 'cancel_at');
    if (!at) {
      sub.cancel_at = null;
      sub.cancel_at_period_end = false;
      sub.canceled_at = null;
      sub.cancellation_details = { ...sub.cancellation_details!, reason: null };
    } else {
      const t = at === 'max_period_end' || at === 'min_period_end' ? periodEnd : int(p, 'cancel_at')!;
      if (t <= now) throw invalid('cancel_at must be in the future.', 'cancel_at');
      sub.cancel_at = t;
      sub.canceled_at = now;
      sub.cancel_at_period_end = t === periodEnd;
      sub.cancellation_details = { ...sub.cancellation_details!, reason: 'cancellation_requested' };
    }
  }
  const cd = obj(p, 'cancellation_details');
  if (cd) {
    const c = sub.cancellation_details!;
    if (cd.comment !== undefined) c.comment = str(cd, 'comment') || null;
    if (cd.feedback !== undefined) c.feedback = (str(cd, 'feedback') || null) as Stripe.Subscription.CancellationDetails.Feedback | null;
  }
  if (p.default_payment_method !== undefined) {
    const id = str(p, 'default_payment_method');
    sub.default_payment_method = id ? defaultPm(st, ctx, String(sub.customer), id) : null;
  }
  if (p.description !== undefined) sub.description = str(p, 'description') || null;
  if (p.collection_method !== undefined) {
    const cm = str(p, 'collection_method') as Stripe.Subscription.CollectionMethod;
    if (!['charge_automatically', 'send_invoice'].includes(cm)) throw invalid('Invalid collection_method', 'collection_method');
    sub.collection_method = cm;
  }
  if (p.days_until_due !== undefined) sub.days_until_due = int(p, 'days_until_due') ?? null;
  if (sub.collection_method === 'send_invoice' && sub.days_until_due === null)
    throw invalid('Missing required param: days_until_due.', 'days_until_due', 'parameter_missing');
  if (sub.collection_method === 'charge_automatically') sub.days_until_due = null;
  sub.metadata = applyMetadata(sub.metadata, p);
  const prev = previousAttributes(before, sub);
  if (Object.keys(prev).length) st.emit('customer.subscription.updated', sub, { account: ctx.account, ctx, previous: prev });
  return sub;
}

/** Stop collecting the subscription's open invoices (what Stripe does on cancellation). */
function stopCollection(st: State, account: string, sub: Stripe.Subscription): void {
  for (const inv of st.invoices.list(account, (i) => i.parent?.subscription_details?.subscription === sub.id && i.status === 'open')) {
    inv.auto_advance = false;
    inv.next_payment_attempt = null;
  }
}

export function cancelSubscription(
  st: State,
  ctx: RequestContext | null,
  account: string,
  sub: Stripe.Subscription,
  opts: { at?: number; reason?: Stripe.Subscription.CancellationDetails.Reason; comment?: string | null; feedback?: string | null },
): Stripe.Subscription {
  if (sub.status === 'canceled' || sub.status === 'incomplete_expired')
    throw invalid('A canceled subscription can only update its cancellation_details and metadata.');
  const now = st.core.now();
  const end = opts.at ?? now;
  if (sub.status === 'incomplete') {
    const inv = typeof sub.latest_invoice === 'string' ? st.invoices.find(sub.latest_invoice) : undefined;
    if (inv?.status === 'open') {
      inv.status = 'void';
      inv.status_transitions.voided_at = now;
      inv.next_payment_attempt = null;
      st.emit('invoice.voided', inv, { account, ctx, previous: { status: 'open' } });
    }
  }
  sub.status = 'canceled';
  sub.ended_at = end;
  if (sub.canceled_at === null || opts.at === undefined) sub.canceled_at = now;
  sub.cancellation_details = {
    comment: opts.comment !== undefined ? opts.comment : (sub.cancellation_details?.comment ?? null),
    feedback: (opts.feedback !== undefined
      ? opts.feedback
      : (sub.cancellation_details?.feedback ?? null)) as Stripe.Subscription.CancellationDetails.Feedback | null,
    feedback_option: null,
    reason: opts.reason ?? 'cancellation_requested',
  };
  stopCollection(st, account, sub);
  st.emit('customer.subscription.deleted', sub, { account, ctx });
  return sub;
}

export interface AdvanceResult {
  subscription: Stripe.Subscription;
  /** the renewal invoice; null when the subscription ended at the period end instead */
  invoice: Stripe.Invoice | null;
}

/**
 * Move a subscription to its next period, as if its period end had come: with `cancel_at_period_end` (or a
 * `cancel_at` reached) it is canceled (`customer.subscription.deleted`); otherwise the period moves
 * (`customer.subscription.updated`), the renewal invoice (`billing_reason: 'subscription_cycle'`) is created,
 * finalized and charged off-session with the default payment method: paid → `invoice.paid`; declined →
 * `invoice.payment_failed`, subscription `past_due`, retries scheduled.
 */
export function advanceSubscription(st: State, account: string, sub: Stripe.Subscription): AdvanceResult {
  if (sub.status === 'canceled' || sub.status === 'incomplete_expired')
    throw invalid(`Subscription ${sub.id} has ended (status ${sub.status}); it has no next period.`, undefined, 'subscription_ended');
  if (sub.status === 'incomplete')
    throw invalid(`Subscription ${sub.id} is incomplete: its first invoice must be paid before it renews.`, undefined, 'subscription_incomplete');
  const sp = priv(st, sub);
  const ctx = sysCtx(st, account);
  const oldStart = sub.items.data[0].current_period_start;
  const oldEnd = sub.items.data[0].current_period_end;
  if (sub.cancel_at_period_end || (sub.cancel_at !== null && sub.cancel_at <= oldEnd)) {
    cancelSubscription(st, null, account, sub, { at: sub.cancel_at ?? oldEnd, reason: 'cancellation_requested' });
    return { subscription: sub, invoice: null };
  }
  const before = snapshot(sub);
  sp.period += 1;
  sp.retries = 0;
  const start = addIntervals(sp.anchor, sp.interval, sp.intervalCount, sp.period);
  const end = addIntervals(sp.anchor, sp.interval, sp.intervalCount, sp.period + 1);
  for (const it of sub.items.data) {
    it.current_period_start = start;
    it.current_period_end = end;
  }
  // Stripe's renewal invoice: `period_start/end` = the period that just ended, the lines = the new service period
  const inv = subscriptionInvoice(st, ctx, sub, 'subscription_cycle', { start, end }, { start: oldStart, end: oldEnd });
  sub.latest_invoice = inv.id;
  st.emit('customer.subscription.updated', sub, { account, previous: previousAttributes(before, sub) });
  finalizeInvoice(st, null, account, inv, { piDescription: 'Subscription update', scheduleAttempt: false });
  if (sub.collection_method === 'send_invoice') {
    if (inv.status === 'open') st.emit('invoice.sent', inv, { account });
  } else {
    attemptPayment(st, null, account, sub, inv, true);
  }
  return { subscription: sub, invoice: inv };
}

/** Smart Retries stand-in: retry a failed renewal after RETRY_DAYS; when all fail, cancel (Stripe's default setting). */
function scheduleRetry(st: State, account: string, sub: Stripe.Subscription, inv: Stripe.Invoice): void {
  const sp = st.subPrivate.get(sub.id);
  if (!sp) return;
  const days = RETRY_DAYS[sp.retries];
  if (days === undefined) {
    inv.next_payment_attempt = null;
    cancelSubscription(st, null, account, sub, { reason: 'payment_failed' });
    return;
  }
  inv.next_payment_attempt = st.core.now() + days * 86400;
  const attempt = sp.retries;
  st.core.schedule(days * 86400 * 1000, () => {
    if (inv.status !== 'open' || sub.status !== 'past_due' || sub.latest_invoice !== inv.id || sp.retries !== attempt || !inv.auto_advance) return;
    sp.retries += 1;
    attemptPayment(st, null, account, sub, inv, true);
  });
}

function subscriptionOf(st: State, inv: Stripe.Invoice): Stripe.Subscription | undefined {
  const id = inv.parent?.subscription_details?.subscription;
  return typeof id === 'string' ? st.subscriptions.find(id) : undefined;
}

/** Invoice outcomes move their subscription (registered once per State). */
export function registerSubscriptionHooks(st: State): void {
  st.invoicePaidHooks.push((inv, account, ctx) => {
    const sub = subscriptionOf(st, inv);
    if (!sub || st.subPrivate.get(sub.id)?.creating) return;
    if (sub.latest_invoice !== inv.id) return;
    if (['incomplete', 'past_due', 'unpaid'].includes(sub.status)) setStatus(st, ctx, account, sub, 'active');
  });
  st.invoiceFailedHooks.push((inv, account, ctx) => {
    const sub = subscriptionOf(st, inv);
    if (!sub || st.subPrivate.get(sub.id)?.creating) return;
    if (sub.latest_invoice !== inv.id || inv.billing_reason === 'subscription_create') return;
    if (sub.status === 'active') setStatus(st, ctx, account, sub, 'past_due');
    if (sub.status === 'past_due' && inv.collection_method === 'charge_automatically' && inv.auto_advance) scheduleRetry(st, account, sub, inv);
  });
}

// ---------------------------------------------------------------- routes

function eqFilter<T>(p: ParamObject, key: string, get: (o: T) => unknown): (o: T) => boolean {
  const v = str(p, key);
  return (o) => v === undefined || get(o) === v;
}

function rangeFilter(p: ParamObject, key: string, get: (s: Stripe.Subscription) => number): (s: Stripe.Subscription) => boolean {
  const v = p[key];
  if (v === undefined || v === '') return () => true;
  if (typeof v === 'string') return (s) => get(s) === Number(v);
  if (typeof v !== 'object' || Array.isArray(v)) throw invalid('Invalid range', key);
  const gte = int(v, 'gte'),
    gt = int(v, 'gt'),
    lte = int(v, 'lte'),
    lt = int(v, 'lt');
  return (s) => {
    const t = get(s);
    return (gte === undefined || t >= gte) && (gt === undefined || t > gt) && (lte === undefined || t <= lte) && (lt === undefined || t < lt);
  };
}

function listSubscriptions(r: ApiRequest): Stripe.ApiList<Stripe.Subscription> {
  const p = r.params;
  const status = str(p, 'status');
  const ended = ['canceled', 'incomplete_expired'];
  const statusOk = (s: Stripe.Subscription) =>
    status === 'all' ? true : status === 'ended' ? ended.includes(s.status) : status ? s.status === status : !ended.includes(s.status);
  const price = str(p, 'price') ?? str(p, 'plan');
  const filters = [
    statusOk,
    eqFilter<Stripe.Subscription>(p, 'customer', (s) => s.customer),
    eqFilter<Stripe.Subscription>(p, 'collection_method', (s) => s.collection_method),
    (s: Stripe.Subscription) => !price || s.items.data.some((i) => i.price.id === price),
    rangeFilter(p, 'current_period_start', (s) => s.items.data[0].current_period_start),
    rangeFilter(p, 'current_period_end', (s) => s.items.data[0].current_period_end),
  ];
  const rest: ParamObject = { ...p };
  for (const k of ['status', 'customer', 'collection_method', 'price', 'plan', 'current_period_start', 'current_period_end']) delete rest[k];
  return listOf(
    r.st.subscriptions.list(r.ctx.account, (s) => filters.every((f) => f(s))),
    rest,
    '/v1/subscriptions',
  );
}

function deleted(id: string, object: string) {
  return { id, object, deleted: true };
}

export function subscriptionRoutes(): Route[] {
  return [
    // products
    route('POST', '/v1/products', (r) => createProduct(r.st, r.ctx, r.params)),
    route('GET', '/v1/products', (r) => {
      const active = bool(r.params, 'active');
      const ids = strArr(r.params, 'ids');
      const { active: _a, ids: _i, ...rest } = r.params;
      void _a;
      void _i;
      return listOf(
        r.st.products.list(r.ctx.account, (x) => (active === undefined || x.active === active) && (!ids || ids.includes(x.id))),
        rest,
        '/v1/products',
      );
    }),
    route('GET', '/v1/products/:id', (r) => r.st.products.get(r.path.id, r.ctx.account)),
    route('POST', '/v1/products/:id', (r) => updateProduct(r.st, r.ctx, r.st.products.get(r.path.id, r.ctx.account), r.params)),
    route('DELETE', '/v1/products/:id', (r) => {
      const product = r.st.products.get(r.path.id, r.ctx.account);
      if (r.st.prices.list(r.ctx.account, (x) => x.product === product.id && x.active).length)
        throw invalid('This product cannot be deleted because it has one or more user-created prices.', undefined, 'product_has_prices' as string);
      r.st.products.delete(product.id);
      r.st.emit('product.deleted', product, { account: r.ctx.account, ctx: r.ctx });
      return deleted(product.id, 'product');
    }),

    // prices
    route('POST', '/v1/prices', (r) => createPrice(r.st, r.ctx, r.params)),
    route('GET', '/v1/prices', (r) => {
      const p = r.params;
      const active = bool(p, 'active');
      const lookup = strArr(p, 'lookup_keys');
      const rec = obj(p, 'recurring');
      const interval = rec ? str(rec, 'interval') : undefined;
      const match = (x: Stripe.Price) =>
        (active === undefined || x.active === active) &&
        eqFilter<Stripe.Price>(p, 'product', (y) => y.product)(x) &&
        eqFilter<Stripe.Price>(p, 'type', (y) => y.type)(x) &&
        eqFilter<Stripe.Price>(p, 'currency', (y) => y.currency)(x) &&
        (!lookup || (x.lookup_key !== null && lookup.includes(x.lookup_key))) &&
        (!interval || x.recurring?.interval === interval);
      const rest: ParamObject = { ...p };
      for (const k of ['active', 'lookup_keys', 'recurring', 'product', 'type', 'currency']) delete rest[k];
      return listOf(r.st.prices.list(r.ctx.account, match), rest, '/v1/prices');
    }),
    route('GET', '/v1/prices/:id', (r) => r.st.prices.get(r.path.id, r.ctx.account)),
    route('POST', '/v1/prices/:id', (r) => updatePrice(r.st, r.ctx, r.st.prices.get(r.path.id, r.ctx.account), r.params)),

    // subscriptions
    route('POST', '/v1/subscriptions', (r) => createSubscription(r.st, r.ctx, r.params)),
    route('GET', '/v1/subscriptions', (r) => listSubscriptions(r)),
    route('GET', '/v1/subscriptions/:id', (r) => r.st.subscriptions.get(r.path.id, r.ctx.account)),
    route('POST', '/v1/subscriptions/:id', (r) => updateSubscription(r.st, r.ctx, r.st.subscriptions.get(r.path.id, r.ctx.account), r.params)),
    route('DELETE', '/v1/subscriptions/:id', (r) => {
      const sub = r.st.subscriptions.get(r.path.id, r.ctx.account);
      const cd = obj(r.params, 'cancellation_details') ?? {};
      return cancelSubscription(r.st, r.ctx, r.ctx.account, sub, {
        reason: 'cancellation_requested',
        comment: cd.comment !== undefined ? str(cd, 'comment') || null : undefined,
        feedback: cd.feedback !== undefined ? str(cd, 'feedback') || null : undefined,
      });
    }),
    route('GET', '/v1/subscription_items', (r) => {
      const subId = reqStr(r.params, 'subscription');
      const sub = r.st.subscriptions.get(subId, r.ctx.account, 'subscription');
      const { subscription: _s, ...rest } = r.params;
      void _s;
      return listOf(sub.items.data, rest, `/v1/subscription_items?subscription=${sub.id}`);
    }),
    route('GET', '/v1/subscription_items/:id', (r) => r.st.subscriptionItems.get(r.path.id, r.ctx.account)),
  ];
}
