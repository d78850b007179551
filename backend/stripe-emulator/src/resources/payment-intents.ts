import type Stripe from 'stripe';
import { formatMinimum, MINIMUM_AMOUNTS } from '../cards';
import { applyMetadata, bool, currency as currencyParam, int, obj, reqInt, RequestContext, str, strArr } from '../core';
import { invalid, StripeApiError, unexpectedState } from '../errors';
import { checkClientSecret, eq, listOf, route, Route } from '../http/router';
import type { ParamObject } from '../params';
import { State } from '../state';
import { attempt, captureCharge, fail, piHooks, setPiStatus } from './payment-attempt';
import { createPaymentMethodFromParams } from './payment-methods';

export const CONFIRMABLE = ['requires_payment_method', 'requires_confirmation', 'requires_action'];

const CANCELABLE = ['requires_payment_method', 'requires_capture', 'requires_confirmation', 'requires_action', 'processing'];

export function checkMinimum(amount: number, currency: string, param = 'amount'): void {
  if (amount < 1) throw invalid('This value must be greater than or equal to 1.', param, 'parameter_invalid_integer');
  const min = MINIMUM_AMOUNTS[currency] ?? 50;
  if (amount < min) throw invalid(`Amount must be at least ${formatMinimum(currency, min)}`, param, 'amount_too_small');
  if (amount > 99999999) throw invalid('Amount must be no more than $999,999.99', param, 'amount_too_large');
}

export function createPaymentIntent(st: State, ctx: RequestContext, p: ParamObject): Stripe.PaymentIntent {
  const amount = reqInt(p, 'amount');
  const currency = currencyParam(p);
  checkMinimum(amount, currency);
  const customer = str(p, 'customer') || null;
  if (customer) st.customerOrThrow(customer, ctx);
  const apm = obj(p, 'automatic_payment_methods');
  // API 2026-10-28: `allowed_payment_method_types` (older: `payment_method_types`)
  const allowed = strArr(p, 'allowed_payment_method_types');
  const types = allowed ?? strArr(p, 'payment_method_types');
  const captureMethod = (str(p, 'capture_method') ?? 'automatic_async') as Stripe.PaymentIntent.CaptureMethod;
  if (!['automatic', 'automatic_async', 'manual'].includes(captureMethod))
    throw invalid(`Invalid capture_method: must be one of automatic, automatic_async, or manual`, 'capture_method');
  const id = st.core.id('pi');
  const pi: Stripe.PaymentIntent = {
    id,
    object: 'payment_intent',
    allowed_payment_method_types: (allowed as Stripe.PaymentIntent.AllowedPaymentMethodType[] | undefined) ?? null,
    amount,
    amount_capturable: 0,
    amount_received: 0,
    application: null,
    application_fee_amount: int(p, 'application_fee_amount') ?? null,
    automatic_payment_methods: apm
      ? { allow_redirects: (str(apm, 'allow_redirects') as 'always' | 'never' | undefined) ?? 'always', enabled: bool(apm, 'enabled') ?? false }
      : types
        ? null
        : { allow_redirects: 'always', enabled: true },
    canceled_at: null,
    cancellation_reason: null,
    capture_method: captureMethod,
    client_secret: `${id}_secret_${st.core.secret(25)}`,
    confirmation_method: (str(p, 'confirmation_method') as Stripe.PaymentIntent.ConfirmationMethod | undefined) ?? 'automatic',
    created: st.core.now(),
    currency,
    customer,
    customer_account: null,
    description: str(p, 'description') ?? null,
    excluded_payment_method_types: (strArr(p, 'excluded_payment_method_types') as Stripe.PaymentIntent.ExcludedPaymentMethodType[] | undefined) ?? null,
    last_payment_error: null,
    latest_charge: null,
    livemode: false,
    managed_payments: null,
    metadata: applyMetadata({}, p),
    next_action: null,
    on_behalf_of: str(p, 'on_behalf_of') ?? null,
    payment_method: null,
    payment_method_configuration_details: null,
    payment_method_options: null,
    payment_method_types: types ?? ['card'],
    payment_record: null,
    processing: null,
    receipt_email: str(p, 'receipt_email') ?? null,
    review: null,
    setup_future_usage: (str(p, 'setup_future_usage') as Stripe.PaymentIntent.SetupFutureUsage | undefined) ?? null,
    shipping: null,
    source: null,
    statement_descriptor: str(p, 'statement_descriptor') ?? null,
    statement_descriptor_suffix: str(p, 'statement_descriptor_suffix') ?? null,
    status: 'requires_payment_method',
    transfer_data: null,
    transfer_group: str(p, 'transfer_group') ?? null,
  };
  const td = obj(p, 'transfer_data');
  if (td) pi.transfer_data = { amount: int(td, 'amount'), destination: str(td, 'destination') ?? '' };
  const pmParam = str(p, 'payment_method');
  if (pmParam) {
    const pm = st.resolvePaymentMethod(pmParam, ctx);
    pi.payment_method = pm.id;
    pi.status = 'requires_confirmation';
  }
  st.paymentIntents.add(pi, ctx.account);
  st.piPrivate.set(pi.id, { awaitingAuth: false, returnUrl: str(p, 'return_url') ?? null });
  st.emit('payment_intent.created', pi, { account: ctx.account, ctx });
  if (bool(p, 'confirm')) {
    const { payment_method: _pm, ...rest } = p;
    void _pm;
    return confirmPaymentIntent(st, ctx, pi, rest);
  }
  return pi;
}

export function updatePaymentIntent(st: State, ctx: RequestContext, pi: Stripe.PaymentIntent, p: ParamObject): Stripe.PaymentIntent {
  if (['succeeded', 'canceled', 'processing'].includes(pi.status) && Object.keys(p).some((k) => k !== 'metadata' && k !== 'description' && k !== 'expand'))
    throw unexpectedState(
      `This PaymentIntent's parameters could not be updated because it has a status of ${pi.status}. You may only update the parameters of a PaymentIntent with one of the following statuses: requires_payment_method, requires_confirmation, requires_action.`,
    );
  const amount = int(p, 'amount');
  const cur = str(p, 'currency') ? currencyParam(p) : pi.currency;
  if (amount !== undefined || cur !== pi.currency) checkMinimum(amount ?? pi.amount, cur);
  if (amount !== undefined) pi.amount = amount;
  pi.currency = cur;
  if (p.customer !== undefined) pi.customer = str(p, 'customer') ? st.customerOrThrow(str(p, 'customer')!, ctx).id : null;
  if (p.description !== undefined) pi.description = str(p, 'description') || null;
  if (p.receipt_email !== undefined) pi.receipt_email = str(p, 'receipt_email') || null;
  if (p.transfer_group !== undefined) pi.transfer_group = str(p, 'transfer_group') || null;
  if (p.setup_future_usage !== undefined) pi.setup_future_usage = (str(p, 'setup_future_usage') || null) as Stripe.PaymentIntent.SetupFutureUsage | null;
  if (p.payment_method !== undefined) {
    const pmId = str(p, 'payment_method');
    pi.payment_method = pmId ? st.resolvePaymentMethod(pmId, ctx).id : null;
    if (pi.status === 'requires_payment_method' && pi.payment_method) pi.status = 'requires_confirmation';
  }
  pi.metadata = applyMetadata(pi.metadata, p);
  return pi;
}

export function confirmPaymentIntent(st: State, ctx: RequestContext, pi: Stripe.PaymentIntent, p: ParamObject): Stripe.PaymentIntent {
  if (!CONFIRMABLE.includes(pi.status))
    throw unexpectedState(
      `You cannot confirm this PaymentIntent because it has a status of ${pi.status}. Only a PaymentIntent with one of the following statuses may be confirmed: requires_confirmation, requires_payment_method, requires_action.`,
    );
  const priv = st.piPrivate.get(pi.id) ?? { awaitingAuth: false, returnUrl: null };
  st.piPrivate.set(pi.id, priv);
  const pmParam = str(p, 'payment_method');
  const pmData = obj(p, 'payment_method_data');
  if (pmParam) pi.payment_method = st.resolvePaymentMethod(pmParam, ctx).id;
  else if (pmData) pi.payment_method = createPaymentMethodFromParams(st, ctx, pmData).id;
  const returnUrl = str(p, 'return_url');
  if (returnUrl) priv.returnUrl = returnUrl;
  if (p.setup_future_usage !== undefined) pi.setup_future_usage = (str(p, 'setup_future_usage') || null) as Stripe.PaymentIntent.SetupFutureUsage | null;
  if (p.receipt_email !== undefined) pi.receipt_email = str(p, 'receipt_email') || null;
  if (!pi.payment_method) {
    throw unexpectedState(
      "You cannot confirm this PaymentIntent because it's missing a payment method. You can either update the PaymentIntent with a payment method and then confirm it again, or confirm it again directly with a payment method.",
    );
  }
  const pm = st.paymentMethods.get(pi.payment_method as string, ctx.account, 'payment_method');
  if (pm.customer && pi.customer && pm.customer !== pi.customer)
    throw invalid(`The provided PaymentMethod belongs to a different Customer than the one on this PaymentIntent.`, 'payment_method');
  if (!pi.payment_method_types.includes(pm.type) && !(pi.automatic_payment_methods?.enabled && ['card', 'us_bank_account'].includes(pm.type)))
    throw invalid(
      `The PaymentMethod provided (${pm.type}) is not allowed for this PaymentIntent. Please attach a PaymentMethod of one of the following types: ${pi.payment_method_types.join(', ')}.`,
      'payment_method',
      'payment_intent_incompatible_payment_method',
    );
  const offSession = str(p, 'off_session') !== undefined && str(p, 'off_session') !== 'false' && str(p, 'off_session') !== '';
  if (pi.status === 'requires_action' && priv.awaitingAuth) return pi; // the challenge is still open
  const authenticated = !!priv.authenticated;
  priv.authenticated = false;
  attempt(st, ctx, ctx.account, pi, offSession, authenticated);
  return pi;
}

/** Outcome of the simulated 3-D Secure challenge. */
export function completeAuthentication(
  st: State,
  ctx: RequestContext | null,
  account: string,
  pi: Stripe.PaymentIntent,
  success: boolean,
): Stripe.PaymentIntent {
  const priv = st.piPrivate.get(pi.id);
  if (pi.status !== 'requires_action' || !priv?.awaitingAuth) throw unexpectedState(`This PaymentIntent has no pending authentication (status ${pi.status}).`);
  priv.awaitingAuth = false;
  const pm = st.paymentMethods.get(pi.payment_method as string, account);
  if (!success) {
    try {
      throw fail(st, ctx, account, pi, pm, {
        code: 'payment_intent_authentication_failure',
        type: 'invalid_request_error',
        createCharge: false,
        message: 'We are unable to authenticate your payment method. Please choose a different payment method and try again.',
      });
    } catch {
      return pi;
    }
  }
  if (pi.confirmation_method === 'manual') {
    priv.authenticated = true;
    setPiStatus(pi, 'requires_confirmation');
    return pi;
  }
  try {
    attempt(st, ctx, account, pi, false, true);
  } catch (e) {
    if (!(e instanceof StripeApiError)) throw e;
  }
  return pi;
}

export function cancelPaymentIntent(st: State, ctx: RequestContext, pi: Stripe.PaymentIntent, p: ParamObject): Stripe.PaymentIntent {
  if (!CANCELABLE.includes(pi.status) || pi.status === 'processing')
    throw unexpectedState(
      `You cannot cancel this PaymentIntent because it has a status of ${pi.status}. Only a PaymentIntent with one of the following statuses may be canceled: requires_payment_method, requires_capture, requires_confirmation, requires_action, processing.`,
    );
  if (pi.status === 'requires_capture' && typeof pi.latest_charge === 'string') {
    const ch = st.charges.get(pi.latest_charge, ctx.account);
    ch.amount_refunded = ch.amount;
    ch.refunded = true;
    pi.amount_capturable = 0;
  }
  setPiStatus(pi, 'canceled');
  pi.canceled_at = st.core.now();
  pi.cancellation_reason = (str(p, 'cancellation_reason') as Stripe.PaymentIntent.CancellationReason | undefined) ?? null;
  st.emit('payment_intent.canceled', pi, { account: ctx.account, ctx });
  return pi;
}

export function capturePaymentIntent(st: State, ctx: RequestContext, pi: Stripe.PaymentIntent, p: ParamObject): Stripe.PaymentIntent {
  if (pi.status !== 'requires_capture')
    throw unexpectedState(
      `This PaymentIntent could not be captured because it has a status of ${pi.status}. Only a PaymentIntent with one of the following statuses may be captured: requires_capture.`,
    );
  const amount = int(p, 'amount_to_capture') ?? pi.amount_capturable;
  if (amount > pi.amount_capturable || amount < 1)
    throw invalid(
      `The amount to capture (${amount}) must be less than or equal to the amount capturable (${pi.amount_capturable}).`,
      'amount_to_capture',
      'amount_too_large',
    );
  const ch = st.charges.get(pi.latest_charge as string, ctx.account);
  captureCharge(st, ctx.account, ch, amount, false);
  if (amount < ch.amount) ch.amount_refunded = ch.amount - amount;
  pi.metadata = applyMetadata(pi.metadata, p);
  pi.amount_capturable = 0;
  pi.amount_received = amount;
  setPiStatus(pi, 'succeeded');
  st.emit('charge.captured', ch, { account: ctx.account, ctx });
  st.emit('payment_intent.succeeded', pi, { account: ctx.account, ctx });
  for (const h of piHooks.succeeded) h(st, pi, ctx);
  return pi;
}

export function paymentIntentRoutes(): Route[] {
  return [
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
  ];
}
