import type Stripe from 'stripe';
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
import { createLoginLink } from './express';
import { applyMetadata, bool, Collection, int, obj, previousAttributes, RequestContext, snapshot, str, strArr } from './core';
import { invalid, noSuch } from './errors';
import type { ParamObject } from './params';
import {
  cancelPaymentIntent,
  capturePaymentIntent,
  closeDispute,
  confirmPaymentIntent,
  confirmSetupIntent,
  createPaymentIntent,
  createPaymentMethodFromParams,
  createRefund,
  createSetupIntent,
  updateDispute,
  updatePaymentIntent,
} from './payments';
import { attachedPaymentMethod } from './shorthand';
import { State } from './state';
import { subscriptionRoutes } from './subscriptions';

export interface ApiRequest {
  st: State;
  ctx: RequestContext;
  params: ParamObject;
  path: Record<string, string>;
}
export interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  pattern: string;
  re: RegExp;
  keys: string[];
  /** callable with the publishable key (Stripe.js) */
  publishable?: boolean;
  handler: (r: ApiRequest) => unknown;
}

export function route(method: Route['method'], pattern: string, handler: Route['handler'], publishable = false): Route {
  const keys: string[] = [];
  const re = new RegExp(
    '^' +
      pattern.replace(/:(\w+)/g, (_m, k: string) => {
        keys.push(k);
        return '([^/]+)';
      }) +
      '$',
  );
  return { method, pattern, re, keys, handler, publishable };
}

/** Stripe list object with limit / starting_after / ending_before / created filters. */
export function listOf<T extends { id: string }>(items: T[], p: ParamObject, url: string): Stripe.ApiList<T> {
  let rows = items;
  const created = p.created;
  if (typeof created === 'string' && created !== '') rows = rows.filter((o) => (o as unknown as { created: number }).created === Number(created));
  else if (created && typeof created === 'object' && !Array.isArray(created)) {
    const c = created as ParamObject;
    const gte = int(c, 'gte'),
      gt = int(c, 'gt'),
      lte = int(c, 'lte'),
      lt = int(c, 'lt');
    rows = rows.filter((o) => {
      const t = (o as unknown as { created: number }).created;
      return (gte === undefined || t >= gte) && (gt === undefined || t > gt) && (lte === undefined || t <= lte) && (lt === undefined || t < lt);
    });
  }
  const limit = int(p, 'limit') ?? 10;
  if (limit < 1 || limit > 100) throw invalid('This value must be between 1 and 100.', 'limit', 'parameter_invalid_integer');
  const after = str(p, 'starting_after');
  const before = str(p, 'ending_before');
  let page: T[];
  let hasMore: boolean;
  if (after) {
    const i = rows.findIndex((o) => o.id === after);
    if (i < 0) throw noSuch('object', after, 'starting_after');
    const rest = rows.slice(i + 1);
    page = rest.slice(0, limit);
    hasMore = rest.length > limit;
  } else if (before) {
    const i = rows.findIndex((o) => o.id === before);
    if (i < 0) throw noSuch('object', before, 'ending_before');
    const head = rows.slice(0, i);
    page = head.slice(Math.max(0, head.length - limit));
    hasMore = head.length > limit;
  } else {
    page = rows.slice(0, limit);
    hasMore = rows.length > limit;
  }
  return { object: 'list', data: page, has_more: hasMore, url };
}

function eq<T>(p: ParamObject, key: string, get: (o: T) => unknown): (o: T) => boolean {
  const v = str(p, key);
  return (o) => v === undefined || get(o) === v;
}
function all<T>(...fs: Array<(o: T) => boolean>): (o: T) => boolean {
  return (o) => fs.every((f) => f(o));
}

function checkClientSecret(r: ApiRequest, secret: string | null): void {
  if (!r.ctx.publishable) return;
  const given = str(r.params, 'client_secret');
  if (!given || given !== secret)
    throw invalid(
      'The client_secret provided does not match the client_secret associated with the PaymentIntent.',
      'client_secret',
      'payment_intent_invalid_parameter',
    );
}

function deleted(id: string, object: string) {
  return { id, object, deleted: true };
}

function crud<T extends { id: string; metadata?: Stripe.Metadata | null }>(
  base: string,
  coll: (st: State) => Collection<T>,
  opts: {
    create?: (r: ApiRequest) => T;
    update?: (r: ApiRequest, o: T) => T;
    filter?: (p: ParamObject) => (o: T) => boolean;
    del?: (r: ApiRequest, o: T) => unknown;
  },
): Route[] {
  const routes: Route[] = [];
  if (opts.create) routes.push(route('POST', base, opts.create));
  routes.push(route('GET', base, (r) => listOf(coll(r.st).list(r.ctx.account, opts.filter?.(r.params)), r.params, base)));
  routes.push(route('GET', `${base}/:id`, (r) => coll(r.st).get(r.path.id, r.ctx.account)));
  routes.push(
    route('POST', `${base}/:id`, (r) => {
      const o = coll(r.st).get(r.path.id, r.ctx.account);
      if (opts.update) return opts.update(r, o);
      o.metadata = applyMetadata(o.metadata ?? {}, r.params);
      return o;
    }),
  );
  if (opts.del) routes.push(route('DELETE', `${base}/:id`, (r) => opts.del!(r, coll(r.st).get(r.path.id, r.ctx.account))));
  return routes;
}

/** `attached`: the PaymentMethod this same request attached (create's `payment_method`), by the id or test token it was given as */
function customerFromParams(r: ApiRequest, c: Stripe.Customer, attached?: { param: string; pm: Stripe.PaymentMethod }): void {
  const p = r.params;
  for (const k of ['email', 'description', 'name', 'phone'] as const) if (p[k] !== undefined) c[k] = str(p, k) || null;
  const addr = obj(p, 'address');
  if (addr)
    c.address = {
      city: str(addr, 'city') ?? null,
      country: str(addr, 'country') ?? null,
      line1: str(addr, 'line1') ?? null,
      line2: str(addr, 'line2') ?? null,
      postal_code: str(addr, 'postal_code') ?? null,
      state: str(addr, 'state') ?? null,
    };
  const is = obj(p, 'invoice_settings');
  if (is && is.default_payment_method !== undefined) {
    const pmId = str(is, 'default_payment_method');
    if (pmId) {
      const pm =
        attached?.param === pmId
          ? attached.pm
          : (attachedPaymentMethod(r.st, r.ctx, c.id, pmId) ?? r.st.paymentMethods.get(pmId, r.ctx.account, 'invoice_settings[default_payment_method]'));
      if (pm.customer !== c.id)
        throw invalid(
          `No such PaymentMethod: '${pmId}'; It's possible this PaymentMethod exists on one of your connected accounts, in which case you should retry this request on that connected account. The payment method must be attached to the customer.`,
          'invoice_settings[default_payment_method]',
          'resource_missing',
        );
      c.invoice_settings.default_payment_method = pm.id;
    } else c.invoice_settings.default_payment_method = null;
  }
  c.metadata = applyMetadata(c.metadata, p);
}

const deletedCustomers = new WeakMap<State, Set<string>>();

export function buildRoutes(): Route[] {
  const routes: Route[] = [
    // ---------- customers ----------
    route('POST', '/v1/customers', (r) => {
      const c: Stripe.Customer = {
        id: r.st.core.id('cus'),
        object: 'customer',
        address: null,
        balance: 0,
        created: r.st.core.now(),
        currency: null,
        default_source: null,
        delinquent: false,
        description: null,
        discount: null,
        email: null,
        invoice_prefix: r.st.core.secret(8).toUpperCase(),
        invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
        livemode: false,
        metadata: {},
        name: null,
        next_invoice_sequence: 1,
        phone: null,
        preferred_locales: [],
        shipping: null,
        tax_exempt: 'none',
        test_clock: null,
      };
      const pmId = str(r.params, 'payment_method');
      // a brand-new customer's default can only be the PaymentMethod this request attaches; refuse anything else before any change
      const defaultPm = str(obj(r.params, 'invoice_settings') ?? {}, 'default_payment_method');
      if (defaultPm && defaultPm !== pmId) customerFromParams(r, c);
      r.st.customers.add(c, r.ctx.account);
      let attached: { param: string; pm: Stripe.PaymentMethod } | undefined;
      try {
        if (pmId) attached = { param: pmId, pm: r.st.attachPaymentMethod(r.st.resolvePaymentMethod(pmId, r.ctx), c.id, r.ctx) };
        customerFromParams(r, c, attached);
      } catch (e) {
        r.st.customers.delete(c.id);
        throw e;
      }
      r.st.emit('customer.created', c, { account: r.ctx.account, ctx: r.ctx });
      return c;
    }),
    route('GET', '/v1/customers', (r) =>
      listOf(
        r.st.customers.list(
          r.ctx.account,
          eq(r.params, 'email', (c: Stripe.Customer) => c.email),
        ),
        r.params,
        '/v1/customers',
      ),
    ),
    route('GET', '/v1/customers/:id', (r) => {
      if (deletedCustomers.get(r.st)?.has(r.path.id)) return deleted(r.path.id, 'customer');
      return r.st.customers.get(r.path.id, r.ctx.account);
    }),
    route('POST', '/v1/customers/:id', (r) => {
      const c = r.st.customers.get(r.path.id, r.ctx.account);
      const before = snapshot(c);
      customerFromParams(r, c);
      const prev = previousAttributes(before, c);
      if (Object.keys(prev).length) r.st.emit('customer.updated', c, { account: r.ctx.account, ctx: r.ctx, previous: prev });
      return c;
    }),
    route('DELETE', '/v1/customers/:id', (r) => {
      const c = r.st.customers.get(r.path.id, r.ctx.account);
      r.st.customers.delete(c.id);
      if (!deletedCustomers.has(r.st)) deletedCustomers.set(r.st, new Set());
      deletedCustomers.get(r.st)!.add(c.id);
      r.st.emit('customer.deleted', c, { account: r.ctx.account, ctx: r.ctx });
      return deleted(c.id, 'customer');
    }),
    route('GET', '/v1/customers/:id/payment_methods', (r) => {
      r.st.customers.get(r.path.id, r.ctx.account);
      return listOf(
        r.st.paymentMethods.list(
          r.ctx.account,
          all(
            eq(r.params, 'type', (m: Stripe.PaymentMethod) => m.type),
            (m) => m.customer === r.path.id,
          ),
        ),
        r.params,
        `/v1/customers/${r.path.id}/payment_methods`,
      );
    }),

    // ---------- payment methods ----------
    route('POST', '/v1/payment_methods', (r) => createPaymentMethodFromParams(r.st, r.ctx, r.params), true),
    route('GET', '/v1/payment_methods', (r) => {
      const customer = str(r.params, 'customer');
      return listOf(
        r.st.paymentMethods.list(
          r.ctx.account,
          all(
            eq(r.params, 'type', (m: Stripe.PaymentMethod) => m.type),
            (m) => !customer || m.customer === customer,
          ),
        ),
        r.params,
        '/v1/payment_methods',
      );
    }),
    route('GET', '/v1/payment_methods/:id', (r) => r.st.resolvePaymentMethod(r.path.id, r.ctx, 'id')),
    route('POST', '/v1/payment_methods/:id', (r) => {
      const pm = r.st.paymentMethods.get(r.path.id, r.ctx.account);
      const before = snapshot(pm);
      const bd = obj(r.params, 'billing_details');
      if (bd) for (const k of ['name', 'email', 'phone'] as const) if (bd[k] !== undefined) pm.billing_details[k] = str(bd, k) || null;
      pm.metadata = applyMetadata(pm.metadata, r.params);
      r.st.emit('payment_method.updated', pm, { account: r.ctx.account, ctx: r.ctx, previous: previousAttributes(before, pm) });
      return pm;
    }),
    route('POST', '/v1/payment_methods/:id/attach', (r) => {
      const customer = str(r.params, 'customer');
      if (!customer) throw invalid('Missing required param: customer.', 'customer', 'parameter_missing');
      return r.st.attachPaymentMethod(r.st.resolvePaymentMethod(r.path.id, r.ctx, 'id'), customer, r.ctx);
    }),
    route('POST', '/v1/payment_methods/:id/detach', (r) => {
      const pm = r.st.paymentMethods.get(r.path.id, r.ctx.account);
      if (!pm.customer)
        throw invalid(
          'The payment method you provided is not attached to a customer so detachment is impossible.',
          undefined,
          'payment_method_unexpected_state',
        );
      const cus = r.st.customers.find(String(pm.customer));
      if (cus && cus.invoice_settings.default_payment_method === pm.id) cus.invoice_settings.default_payment_method = null;
      pm.customer = null;
      r.st.emit('payment_method.detached', pm, { account: r.ctx.account, ctx: r.ctx, previous: { customer: cus?.id ?? null } });
      return pm;
    }),

    // ---------- payment intents ----------
    route('POST', '/v1/payment_intents', (r) => createPaymentIntent(r.st, r.ctx, r.params)),
    route('GET', '/v1/payment_intents', (r) =>
      listOf(
        r.st.paymentIntents.list(
          r.ctx.account,
          eq(r.params, 'customer', (p: Stripe.PaymentIntent) => p.customer),
        ),
        r.params,
        '/v1/payment_intents',
      ),
    ),
    route(
      'GET',
      '/v1/payment_intents/:id',
      (r) => {
        const pi = r.st.paymentIntents.get(r.path.id, r.ctx.account);
        checkClientSecret(r, pi.client_secret);
        return pi;
      },
      true,
    ),
    route('POST', '/v1/payment_intents/:id', (r) => updatePaymentIntent(r.st, r.ctx, r.st.paymentIntents.get(r.path.id, r.ctx.account), r.params)),
    route(
      'POST',
      '/v1/payment_intents/:id/confirm',
      (r) => {
        const pi = r.st.paymentIntents.get(r.path.id, r.ctx.account);
        checkClientSecret(r, pi.client_secret);
        return confirmPaymentIntent(r.st, r.ctx, pi, r.params);
      },
      true,
    ),
    route('POST', '/v1/payment_intents/:id/cancel', (r) => cancelPaymentIntent(r.st, r.ctx, r.st.paymentIntents.get(r.path.id, r.ctx.account), r.params)),
    route('POST', '/v1/payment_intents/:id/capture', (r) => capturePaymentIntent(r.st, r.ctx, r.st.paymentIntents.get(r.path.id, r.ctx.account), r.params)),

    // ---------- setup intents ----------
    route('POST', '/v1/setup_intents', (r) => createSetupIntent(r.st, r.ctx, r.params)),
    route('GET', '/v1/setup_intents', (r) =>
      listOf(
        r.st.setupIntents.list(
          r.ctx.account,
          eq(r.params, 'customer', (s: Stripe.SetupIntent) => s.customer),
        ),
        r.params,
        '/v1/setup_intents',
      ),
    ),
    route(
      'GET',
      '/v1/setup_intents/:id',
      (r) => {
        const si = r.st.setupIntents.get(r.path.id, r.ctx.account);
        checkClientSecret(r, si.client_secret);
        return si;
      },
      true,
    ),
    route('POST', '/v1/setup_intents/:id', (r) => {
      const si = r.st.setupIntents.get(r.path.id, r.ctx.account);
      si.metadata = applyMetadata(si.metadata, r.params);
      if (r.params.customer !== undefined) si.customer = str(r.params, 'customer') || null;
      return si;
    }),
    route(
      'POST',
      '/v1/setup_intents/:id/confirm',
      (r) => {
        const si = r.st.setupIntents.get(r.path.id, r.ctx.account);
        checkClientSecret(r, si.client_secret);
        return confirmSetupIntent(r.st, r.ctx, si, r.params);
      },
      true,
    ),
    route('POST', '/v1/setup_intents/:id/cancel', (r) => {
      const si = r.st.setupIntents.get(r.path.id, r.ctx.account);
      if (['succeeded', 'canceled'].includes(si.status))
        throw invalid(`You cannot cancel this SetupIntent because it has a status of ${si.status}.`, undefined, 'setup_intent_unexpected_state');
      si.status = 'canceled';
      si.cancellation_reason = (str(r.params, 'cancellation_reason') as Stripe.SetupIntent.CancellationReason | undefined) ?? null;
      r.st.emit('setup_intent.canceled', si, { account: r.ctx.account, ctx: r.ctx });
      return si;
    }),

    // ---------- charges, refunds, disputes ----------
    ...crud<Stripe.Charge>('/v1/charges', (st) => st.charges, {
      filter: (p) =>
        all(
          eq(p, 'customer', (c: Stripe.Charge) => c.customer),
          eq(p, 'payment_intent', (c) => c.payment_intent),
          eq(p, 'transfer_group', (c) => c.transfer_group),
        ),
      update: (r, c) => {
        const before = snapshot(c);
        c.metadata = applyMetadata(c.metadata, r.params);
        if (r.params.description !== undefined) c.description = str(r.params, 'description') || null;
        r.st.emit('charge.updated', c, { account: r.ctx.account, ctx: r.ctx, previous: previousAttributes(before, c) });
        return c;
      },
    }),
    route('POST', '/v1/refunds', (r) => createRefund(r.st, r.ctx, r.params)),
    ...crud<Stripe.Refund>('/v1/refunds', (st) => st.refunds, {
      filter: (p) =>
        all(
          eq(p, 'charge', (x: Stripe.Refund) => x.charge),
          eq(p, 'payment_intent', (x) => x.payment_intent),
        ),
    }),
    route('GET', '/v1/charges/:id/refunds', (r) =>
      listOf(
        r.st.refunds.list(r.ctx.account, (x) => x.charge === r.path.id),
        r.params,
        `/v1/charges/${r.path.id}/refunds`,
      ),
    ),
    ...crud<Stripe.Dispute>('/v1/disputes', (st) => st.disputes, {
      filter: (p) =>
        all(
          eq(p, 'charge', (d: Stripe.Dispute) => d.charge),
          eq(p, 'payment_intent', (d) => d.payment_intent),
        ),
      update: (r, d) => updateDispute(r.st, r.ctx, d, r.params),
    }),
    route('POST', '/v1/disputes/:id/close', (r) => closeDispute(r.st, r.ctx.account, r.st.disputes.get(r.path.id, r.ctx.account), 'lost', r.ctx)),

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
