import type Stripe from 'stripe';
import {
  createInvoice,
  createInvoiceItem,
  finalizeInvoice,
  markUncollectible,
  payInvoice,
  recompute,
  sendInvoice,
  updateInvoice,
  voidInvoice,
} from './billing';
import { applyMetadata, bool, int, str } from './core';
import { invalid } from './errors';
import { all, crud, deleted, eq, listOf, route, Route } from './http/router';
import { accountRoutes } from './resources/accounts';
import { balanceRoutes } from './resources/balance';
import { chargeRoutes } from './resources/charges';
import { customerRoutes } from './resources/customers';
import { disputeRoutes } from './resources/disputes';
import { eventRoutes } from './resources/events';
import { loginLinkRoutes } from './resources/login-links';
import { paymentIntentRoutes } from './resources/payment-intents';
import { paymentMethodRoutes } from './resources/payment-methods';
import { payoutRoutes } from './resources/payouts';
import { refundRoutes } from './resources/refunds';
import { setupIntentRoutes } from './resources/setup-intents';
import { transferRoutes } from './resources/transfers';
import { webhookEndpointRoutes } from './resources/webhook-endpoints';
import { subscriptionRoutes } from './subscriptions';

/** Every /v1 route the emulator serves, resource by resource (the server matches them in this order). */
export function buildRoutes(): Route[] {
  const routes: Route[] = [
    ...customerRoutes(),
    ...paymentMethodRoutes(),
    ...paymentIntentRoutes(),
    ...setupIntentRoutes(),
    ...chargeRoutes(),
    ...refundRoutes(),
    ...disputeRoutes(),
    ...balanceRoutes(),
    ...accountRoutes(),
    ...loginLinkRoutes(),
    ...transferRoutes(),
    ...payoutRoutes(),

    // ---------- invoicing ----------
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
    ...eventRoutes(),
    ...webhookEndpointRoutes(),
    ...subscriptionRoutes(),
  ];
  return routes;
}
