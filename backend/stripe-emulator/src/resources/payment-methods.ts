import type Stripe from 'stripe';
import { applyMetadata, int, obj, previousAttributes, RequestContext, snapshot, str } from '../core';
import { invalid } from '../errors';
import { all, eq, listOf, route, Route } from '../http/router';
import type { ParamObject } from '../params';
import { State } from '../state';

function billingFromParams(p: ParamObject | undefined): Partial<Stripe.PaymentMethod.BillingDetails> {
  if (!p) return {};
  const addr = obj(p, 'address');
  return {
    name: str(p, 'name') ?? null,
    email: str(p, 'email') ?? null,
    phone: str(p, 'phone') ?? null,
    address: addr
      ? {
          city: str(addr, 'city') ?? null,
          country: str(addr, 'country') ?? null,
          line1: str(addr, 'line1') ?? null,
          line2: str(addr, 'line2') ?? null,
          postal_code: str(addr, 'postal_code') ?? null,
          state: str(addr, 'state') ?? null,
        }
      : null,
  };
}

/** POST /v1/payment_methods (also payment_method_data) */
export function createPaymentMethodFromParams(st: State, ctx: RequestContext, p: ParamObject): Stripe.PaymentMethod {
  const type = str(p, 'type');
  if (!type) throw invalid('Missing required param: type.', 'type', 'parameter_missing');
  const billing = billingFromParams(obj(p, 'billing_details'));
  let pm: Stripe.PaymentMethod;
  if (type === 'card') {
    const card = obj(p, 'card');
    if (!card) throw invalid('Missing required param: card.', 'card', 'parameter_missing');
    const token = str(card, 'token');
    if (token) {
      pm = st.resolvePaymentMethod(token.replace(/^tok_/, 'pm_card_'), ctx, 'card[token]');
      pm.billing_details = st.billingDetails(billing);
    } else {
      const number = str(card, 'number');
      if (!number) throw invalid('Missing required param: card[number].', 'card[number]', 'parameter_missing');
      const expMonth = int(card, 'exp_month');
      const expYear = int(card, 'exp_year');
      if (expMonth === undefined) throw invalid('Missing required param: card[exp_month].', 'card[exp_month]', 'parameter_missing');
      if (expYear === undefined) throw invalid('Missing required param: card[exp_year].', 'card[exp_year]', 'parameter_missing');
      pm = st.createCardPaymentMethod(ctx.account, { number, exp_month: expMonth, exp_year: expYear, cvc: str(card, 'cvc') }, { billing_details: billing });
    }
  } else if (type === 'us_bank_account') {
    const ba = obj(p, 'us_bank_account') ?? {};
    const number = str(ba, 'account_number') ?? '000123456789';
    pm = st.createBankPaymentMethod(ctx.account, number, { billing_details: billing, routing: str(ba, 'routing_number') });
  } else {
    throw invalid(`The payment method type "${type}" is not supported by the emulator (card, us_bank_account).`, 'type', 'payment_method_invalid_parameter');
  }
  pm.metadata = applyMetadata(pm.metadata, p);
  return pm;
}

export function paymentMethodRoutes(): Route[] {
  return [
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
  ];
}
