import type Stripe from 'stripe';
import { applyMetadata, obj, previousAttributes, snapshot, str } from '../core';
import { invalid } from '../errors';
import { all, ApiRequest, deleted, eq, listOf, route, Route } from '../http/router';
import { attachedPaymentMethod } from '../shorthand';
import { State } from '../state';

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

export function customerRoutes(): Route[] {
  return [
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
  ];
}
