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
import {
  addExternalAccount,
  cancelPayout,
  createAccount,
  createAccountLink,
  createPayout,
  createTransfer,
  getAccount,
  reverseTransfer,
  updateAccount,
} from './connect';
import { applyMetadata, bool, int, obj, previousAttributes, snapshot, str, strArr } from './core';
import { invalid } from './errors';
import { createLoginLink } from './express';
import { all, crud, deleted, eq, listOf, route, Route } from './http/router';
import { chargeRoutes } from './resources/charges';
import { customerRoutes } from './resources/customers';
import { disputeRoutes } from './resources/disputes';
import { paymentIntentRoutes } from './resources/payment-intents';
import { paymentMethodRoutes } from './resources/payment-methods';
import { refundRoutes } from './resources/refunds';
import { setupIntentRoutes } from './resources/setup-intents';
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

    // ---------- balance ----------
    route('GET', '/v1/balance', (r) => r.st.balanceOf(r.ctx.account)),
    route('GET', '/v1/balance_transactions', (r) => {
      const payout = str(r.params, 'payout');
      return listOf(
        r.st.balanceTransactions.list(
          r.ctx.account,
          all(
            eq(r.params, 'type', (b: Stripe.BalanceTransaction) => b.type),
            eq(r.params, 'source', (b) => b.source),
            eq(r.params, 'currency', (b) => b.currency),
            (b) => !payout || b.source === payout,
          ),
        ),
        r.params,
        '/v1/balance_transactions',
      );
    }),
    route('GET', '/v1/balance_transactions/:id', (r) => r.st.balanceTransactions.get(r.path.id, r.ctx.account)),

    // ---------- Connect ----------
    route('POST', '/v1/accounts', (r) => createAccount(r.st, r.ctx, r.params)),
    route('GET', '/v1/accounts', (r) => listOf(r.st.accounts.list(r.st.platform), r.params, '/v1/accounts')),
    route('GET', '/v1/account', (r) => (r.ctx.account === r.st.platform ? r.st.platformAccount() : getAccount(r.st, r.ctx.account))),
    route('GET', '/v1/accounts/:id', (r) => (r.path.id === r.st.platform ? r.st.platformAccount() : getAccount(r.st, r.path.id))),
    route('POST', '/v1/accounts/:id', (r) => updateAccount(r.st, r.ctx, getAccount(r.st, r.path.id), r.params)),
    route('DELETE', '/v1/accounts/:id', (r) => {
      const a = getAccount(r.st, r.path.id);
      r.st.accounts.delete(a.id);
      return deleted(a.id, 'account');
    }),
    route('POST', '/v1/accounts/:id/external_accounts', (r) => {
      const a = getAccount(r.st, r.path.id);
      const ext = typeof r.params.external_account === 'string' ? str(r.params, 'external_account') : obj(r.params, 'external_account');
      if (!ext) throw invalid('Missing required param: external_account.', 'external_account', 'parameter_missing');
      const ba = addExternalAccount(r.st, a, ext, bool(r.params, 'default_for_currency') ?? false, r.ctx);
      ba.metadata = applyMetadata(ba.metadata ?? {}, r.params);
      return ba;
    }),
    route('GET', '/v1/accounts/:id/external_accounts', (r) => {
      getAccount(r.st, r.path.id);
      return listOf(r.st.bankAccounts.list(r.path.id), r.params, `/v1/accounts/${r.path.id}/external_accounts`);
    }),
    route('GET', '/v1/accounts/:id/external_accounts/:ba', (r) => r.st.bankAccounts.get(r.path.ba, r.path.id)),
    route('POST', '/v1/accounts/:id/login_links', (r) => createLoginLink(r.st, r.ctx, r.path.id)),
    route('POST', '/v1/account_links', (r) => createAccountLink(r.st, r.ctx, r.params)),
    route('POST', '/v1/transfers', (r) => createTransfer(r.st, r.ctx, r.params)),
    ...crud<Stripe.Transfer>('/v1/transfers', (st) => st.transfers, {
      filter: (p) =>
        all(
          eq(p, 'destination', (t: Stripe.Transfer) => t.destination),
          eq(p, 'transfer_group', (t) => t.transfer_group),
        ),
      update: (r, t) => {
        const before = snapshot(t);
        t.metadata = applyMetadata(t.metadata, r.params);
        if (r.params.description !== undefined) t.description = str(r.params, 'description') || null;
        r.st.emit('transfer.updated', t, { account: r.st.platform, ctx: r.ctx, previous: previousAttributes(before, t) });
        return t;
      },
    }),
    route('POST', '/v1/transfers/:id/reversals', (r) => reverseTransfer(r.st, r.ctx, r.st.transfers.get(r.path.id, r.ctx.account), r.params)),
    route('GET', '/v1/transfers/:id/reversals', (r) =>
      listOf(
        r.st.reversals.list(r.ctx.account, (x) => x.transfer === r.path.id),
        r.params,
        `/v1/transfers/${r.path.id}/reversals`,
      ),
    ),
    route('GET', '/v1/transfers/:id/reversals/:rid', (r) => r.st.reversals.get(r.path.rid, r.ctx.account)),
    route('POST', '/v1/payouts', (r) => createPayout(r.st, r.ctx, r.params)),
    ...crud<Stripe.Payout>('/v1/payouts', (st) => st.payouts, {
      filter: (p) =>
        all(
          eq(p, 'status', (x: Stripe.Payout) => x.status),
          eq(p, 'destination', (x) => x.destination),
        ),
      update: (r, po) => {
        const before = snapshot(po);
        po.metadata = applyMetadata(po.metadata, r.params);
        r.st.emit('payout.updated', po, { account: r.ctx.account, ctx: r.ctx, previous: previousAttributes(before, po) });
        return po;
      },
    }),
    route('POST', '/v1/payouts/:id/cancel', (r) => cancelPayout(r.st, r.ctx, r.st.payouts.get(r.path.id, r.ctx.account))),

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

    // ---------- events & webhook endpoints ----------
    route('GET', '/v1/events', (r) => {
      const type = str(r.params, 'type');
      const types = strArr(r.params, 'types');
      const match = (t: string, pat: string) => pat === t || (pat.endsWith('*') && t.startsWith(pat.slice(0, -1)));
      if (type && types) throw invalid('You may only specify one of these parameters: type, types.', 'types');
      return listOf(
        r.st.bus.events.list(r.ctx.account, (e) => (!type || match(e.type, type)) && (!types || types.some((t) => match(e.type, t)))),
        r.params,
        '/v1/events',
      );
    }),
    route('GET', '/v1/events/:id', (r) => r.st.bus.events.get(r.path.id, r.ctx.account)),
    route('POST', '/v1/webhook_endpoints', (r) => {
      const url = str(r.params, 'url');
      if (!url) throw invalid('Missing required param: url.', 'url', 'parameter_missing');
      const events = strArr(r.params, 'enabled_events');
      if (!events?.length) throw invalid('Missing required param: enabled_events.', 'enabled_events', 'parameter_missing');
      return r.st.bus.addEndpoint({
        url,
        scope: bool(r.params, 'connect') ? 'connect' : 'platform',
        enabledEvents: events,
        description: str(r.params, 'description') ?? null,
        metadata: applyMetadata({}, r.params),
        apiVersion: str(r.params, 'api_version') ?? null,
      });
    }),
    route('GET', '/v1/webhook_endpoints', (r) => {
      const list = listOf(r.st.bus.endpoints.list(r.st.platform), r.params, '/v1/webhook_endpoints');
      return { ...list, data: list.data.map((e) => ({ ...e, secret: undefined })) };
    }),
    route('GET', '/v1/webhook_endpoints/:id', (r) => ({ ...r.st.bus.endpoints.get(r.path.id, r.st.platform), secret: undefined })),
    route('POST', '/v1/webhook_endpoints/:id', (r) => {
      const ep = r.st.bus.endpoints.get(r.path.id, r.st.platform);
      const url = str(r.params, 'url');
      if (url) ep.url = url;
      const events = strArr(r.params, 'enabled_events');
      if (events?.length) ep.enabled_events = events;
      const disabled = bool(r.params, 'disabled');
      if (disabled !== undefined) ep.status = disabled ? 'disabled' : 'enabled';
      if (disabled === false) r.st.bus.resetFailures(ep.id);
      if (r.params.description !== undefined) ep.description = str(r.params, 'description') || null;
      ep.metadata = applyMetadata(ep.metadata, r.params);
      return { ...ep, secret: undefined };
    }),
    route('DELETE', '/v1/webhook_endpoints/:id', (r) => {
      const ep = r.st.bus.endpoints.get(r.path.id, r.st.platform);
      r.st.bus.removeEndpoint(ep.id);
      return deleted(ep.id, 'webhook_endpoint');
    }),
    ...subscriptionRoutes(),
  ];
  return routes;
}
