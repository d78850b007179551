import type Stripe from 'stripe';
import { applyMetadata, int, obj, reqStr, RequestContext, str } from '../core';
import { invalid } from '../errors';
import { all, crud, deleted, eq, route, Route } from '../http/router';
import type { ParamObject } from '../params';
import { State } from '../state';
import { dec, recompute } from './invoices/lines';

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

export function invoiceItemRoutes(): Route[] {
  return [
    route('POST', '/v1/invoiceitems', (r) => createInvoiceItem(r.st, r.ctx, r.params)),
    ...crud<Stripe.InvoiceItem>('/v1/invoiceitems', (st) => st.invoiceItems, {
      filter: (p) =>
        all(
          eq(p, 'customer', (i: Stripe.InvoiceItem) => i.customer),
          eq(p, 'invoice', (i) => i.invoice),
        ),
      update: (r, item) => {
        if (item.invoice) {
          const inv = r.st.invoices.find(String(item.invoice));
          if (inv && inv.status !== 'draft') throw invalid('You can only update invoice items on draft invoices.', undefined, 'invoice_not_editable');
        }
        const amount = int(r.params, 'amount');
        if (amount !== undefined) item.amount = amount;
        if (r.params.description !== undefined) item.description = str(r.params, 'description') || null;
        item.metadata = applyMetadata(item.metadata, r.params);
        if (item.invoice) recompute(r.st, r.st.invoices.get(String(item.invoice), r.ctx.account), r.ctx.account);
        return item;
      },
      del: (r, item) => {
        r.st.invoiceItems.delete(item.id);
        if (item.invoice) {
          const inv = r.st.invoices.find(String(item.invoice));
          if (inv) recompute(r.st, inv, r.ctx.account);
        }
        r.st.emit('invoiceitem.deleted', item, { account: r.ctx.account, ctx: r.ctx });
        return deleted(item.id, 'invoiceitem');
      },
    }),
  ];
}
