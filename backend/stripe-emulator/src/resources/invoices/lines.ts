import type Stripe from 'stripe';
import StripeRuntime from 'stripe';
import { State } from '../../state';

/** An invoice's lines and totals, computed from its invoice items (and a subscription's lines). */

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
