import type Stripe from 'stripe';
import { obj, previousAttributes, RequestContext, snapshot, str } from '../../core';
import { invalid, StripeApiError } from '../../errors';
import type { ParamObject } from '../../params';
import { attachedPaymentMethod } from '../../shorthand';
import { State, SubPrivate } from '../../state';
import { payInvoice } from '../invoices/collection';
import { createInvoice } from '../invoices/invoices';
import { dec } from '../invoices/lines';
import { createPrice } from '../products/create';
import { money } from './periods';

/** What creating, updating and renewing a subscription share: its payment method, its period's invoice, its status. */

// ---------------------------------------------------------------- subscriptions

export function itemPrice(st: State, ctx: RequestContext, item: ParamObject, i: number): Stripe.Price {
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
export function defaultPm(st: State, ctx: RequestContext, customer: string, id: string, param = 'default_payment_method'): string {
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

export function customerDefaultPm(st: State, customerId: string): string | null {
  const c = st.customers.find(customerId);
  const pm = c?.invoice_settings.default_payment_method;
  return typeof pm === 'string' ? pm : (pm?.id ?? null);
}

function subPm(st: State, sub: Stripe.Subscription): string | null {
  if (typeof sub.default_payment_method === 'string') return sub.default_payment_method;
  return customerDefaultPm(st, String(sub.customer));
}

export function priv(st: State, sub: Stripe.Subscription): SubPrivate {
  const p = st.subPrivate.get(sub.id);
  if (!p) throw new Error(`subscription ${sub.id} has no private state`);
  return p;
}

/** Draft → lines → `invoice.created` for one period of the subscription. */
export function subscriptionInvoice(
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
export function attemptPayment(
  st: State,
  ctx: RequestContext | null,
  account: string,
  sub: Stripe.Subscription,
  inv: Stripe.Invoice,
  offSession: boolean,
): void {
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

export function setStatus(st: State, ctx: RequestContext | null, account: string, sub: Stripe.Subscription, status: Stripe.Subscription.Status): void {
  if (sub.status === status) return;
  const before = snapshot(sub);
  sub.status = status;
  st.emit('customer.subscription.updated', sub, { account, ctx, previous: previousAttributes(before, sub) });
}
