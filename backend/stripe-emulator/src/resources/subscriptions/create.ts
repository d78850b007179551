import type Stripe from 'stripe';
import { applyMetadata, arr, bool, int, obj, previousAttributes, reqStr, RequestContext, snapshot, str } from '../../core';
import { invalid, StripeApiError } from '../../errors';
import type { ParamObject } from '../../params';
import { State, SubPrivate } from '../../state';
import { finalizeInvoice } from '../invoices/collection';
import { planOf } from '../products/prices';
import { addIntervals } from './periods';
import { attemptPayment, customerDefaultPm, defaultPm, itemPrice, subscriptionInvoice } from './shared';

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
