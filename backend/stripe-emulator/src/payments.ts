import type Stripe from 'stripe';
import { DECLINE_MESSAGES, bankOutcome, formatMinimum, MINIMUM_AMOUNTS, processingFee } from './cards';
import { applyMetadata, bool, currency as currencyParam, int, obj, previousAttributes, RequestContext, reqInt, snapshot, str, strArr } from './core';
import { cardError, invalid, StripeApiError, unexpectedState } from './errors';
import type { ParamObject } from './params';
import { State } from './state';

const CONFIRMABLE = ['requires_payment_method', 'requires_confirmation', 'requires_action'];
const CANCELABLE = ['requires_payment_method', 'requires_capture', 'requires_confirmation', 'requires_action', 'processing'];

/** hooks so invoices/subscriptions learn about their intents' outcomes */
export const piHooks: {
  succeeded: Array<(st: State, pi: Stripe.PaymentIntent, ctx: RequestContext | null) => void>;
  failed: Array<(st: State, pi: Stripe.PaymentIntent, ctx: RequestContext | null) => void>;
} = { succeeded: [], failed: [] };

export function checkMinimum(amount: number, currency: string, param = 'amount'): void {
  if (amount < 1) throw invalid('This value must be greater than or equal to 1.', param, 'parameter_invalid_integer');
  const min = MINIMUM_AMOUNTS[currency] ?? 50;
  if (amount < min) throw invalid(`Amount must be at least ${formatMinimum(currency, min)}`, param, 'amount_too_small');
  if (amount > 99999999) throw invalid('Amount must be no more than $999,999.99', param, 'amount_too_large');
}

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

export function makeCharge(st: State, account: string, pi: Stripe.PaymentIntent, pm: Stripe.PaymentMethod, status: Stripe.Charge.Status): Stripe.Charge {
  const card = pm.card;
  const ch: Stripe.Charge = {
    id: st.core.id('ch'),
    object: 'charge',
    amount: pi.amount,
    amount_captured: 0,
    amount_refunded: 0,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: null,
    billing_details: { ...pm.billing_details },
    calculated_statement_descriptor: 'COLLABPAY',
    captured: false,
    created: st.core.now(),
    currency: pi.currency,
    customer: typeof pi.customer === 'string' ? pi.customer : null,
    description: pi.description,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: null,
    failure_message: null,
    fraud_details: {},
    livemode: false,
    metadata: { ...pi.metadata },
    on_behalf_of: null,
    outcome: null,
    paid: false,
    payment_intent: pi.id,
    payment_method: pm.id,
    payment_method_details: card
      ? {
          type: 'card',
          card: {
            amount_authorized: pi.amount,
            authorization_code: null,
            brand: card.brand,
            checks: card.checks,
            country: card.country,
            electronic_commerce_indicator: null,
            exp_month: card.exp_month,
            exp_year: card.exp_year,
            fingerprint: card.fingerprint,
            funding: card.funding,
            installments: null,
            last4: card.last4,
            mandate: null,
            network: card.brand,
            network_transaction_id: null,
            regulated_status: 'unregulated',
            three_d_secure: null,
            transaction_link_id: null,
            wallet: null,
          },
        }
      : { type: pm.type },
    radar_options: {},
    receipt_email: pi.receipt_email,
    receipt_number: null,
    receipt_url: `${st.core.opts.publicUrl}/receipts/${pi.id}`,
    refunded: false,
    refunds: { object: 'list', data: [], has_more: false, url: '/v1/charges/CH/refunds' },
    review: null,
    shipping: null,
    source: null,
    source_transfer: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status,
    transfer_data: null,
    transfer_group: pi.transfer_group,
  };
  ch.refunds!.url = `/v1/charges/${ch.id}/refunds`;
  st.charges.add(ch, account);
  return ch;
}

function approvedOutcome(): Stripe.Charge.Outcome {
  return {
    advice_code: null,
    network_advice_code: null,
    network_decline_code: null,
    network_status: 'approved_by_network',
    reason: null,
    risk_level: 'normal',
    risk_score: 20,
    seller_message: 'Payment complete.',
    type: 'authorized',
  };
}

/** Capture (part of) a charge: create its balance transaction. */
function captureCharge(st: State, account: string, ch: Stripe.Charge, amount: number, bypassPending: boolean): void {
  ch.captured = true;
  ch.amount_captured = amount;
  const bt = st.addBalanceTransaction(account, {
    amount,
    currency: ch.currency,
    type: 'charge',
    reportingCategory: 'charge',
    source: ch.id,
    fee: processingFee(amount, ch.currency),
    availableAtMs: st.availableAtMs(bypassPending),
  });
  ch.balance_transaction = bt.id;
}

function setPiStatus(pi: Stripe.PaymentIntent, status: Stripe.PaymentIntent.Status): void {
  pi.status = status;
  if (status !== 'requires_action') pi.next_action = null;
}

function succeed(st: State, ctx: RequestContext | null, account: string, pi: Stripe.PaymentIntent, pm: Stripe.PaymentMethod): void {
  const info = st.pmPrivate.get(pm.id)?.card;
  const ch = makeCharge(st, account, pi, pm, 'succeeded');
  ch.paid = true;
  ch.outcome = approvedOutcome();
  pi.latest_charge = ch.id;
  pi.last_payment_error = null;
  const manual = pi.capture_method === 'manual';
  if (!manual) captureCharge(st, account, ch, pi.amount, info?.outcome.kind === 'succeed' && !!info.outcome.bypassPending);
  if (pi.setup_future_usage && typeof pi.customer === 'string' && !pm.customer) {
    pm.customer = pi.customer;
    st.emit('payment_method.attached', pm, { account, ctx });
  }
  st.emit('charge.succeeded', ch, { account, ctx });
  if (manual) {
    setPiStatus(pi, 'requires_capture');
    pi.amount_capturable = pi.amount;
    st.emit('payment_intent.amount_capturable_updated', pi, { account, ctx });
  } else {
    setPiStatus(pi, 'succeeded');
    pi.amount_received = pi.amount;
    st.emit('payment_intent.succeeded', pi, { account, ctx });
    for (const h of piHooks.succeeded) h(st, pi, ctx);
  }
  if (info?.outcome.kind === 'dispute') createDispute(st, account, ch, 'fraudulent', ctx, info.outcome.inquiry);
}

/** Decline: failed charge, `last_payment_error`, back to requires_payment_method. Returns the 402 to throw. */
function fail(
  st: State,
  ctx: RequestContext | null,
  account: string,
  pi: Stripe.PaymentIntent,
  pm: Stripe.PaymentMethod,
  err: { code: string; declineCode?: string; message: string; type?: 'card_error' | 'invalid_request_error'; createCharge?: boolean },
): StripeApiError {
  let ch: Stripe.Charge | null = null;
  if (err.createCharge !== false) {
    ch = makeCharge(st, account, pi, pm, 'failed');
    ch.failure_code = err.code;
    ch.failure_message = err.message;
    ch.outcome = {
      advice_code: null,
      network_advice_code: null,
      network_decline_code: null,
      network_status: 'declined_by_network',
      reason: err.declineCode ?? err.code,
      risk_level: 'normal',
      risk_score: 20,
      seller_message: 'The bank did not return any further details with this decline.',
      type: 'issuer_declined',
    };
    pi.latest_charge = ch.id;
  }
  const type = err.type ?? 'card_error';
  pi.last_payment_error = {
    type,
    code: err.code as Stripe.PaymentIntent.LastPaymentError.Code,
    message: err.message,
    ...(err.declineCode ? { decline_code: err.declineCode } : {}),
    ...(ch ? { charge: ch.id } : {}),
    doc_url: `https://stripe.com/docs/error-codes/${err.code.replace(/_/g, '-')}`,
    payment_method: snapshot(pm),
    payment_method_type: pm.type,
  };
  setPiStatus(pi, 'requires_payment_method');
  pi.payment_method = null;
  st.piPrivate.set(pi.id, { ...(st.piPrivate.get(pi.id) ?? { returnUrl: null }), awaitingAuth: false });
  if (ch) st.emit('charge.failed', ch, { account, ctx });
  st.emit('payment_intent.payment_failed', pi, { account, ctx });
  for (const h of piHooks.failed) h(st, pi, ctx);
  return new StripeApiError(type === 'card_error' ? 402 : 400, {
    type,
    code: err.code,
    decline_code: err.declineCode,
    message: err.message,
    charge: ch?.id,
    doc_url: `https://stripe.com/docs/error-codes/${err.code.replace(/_/g, '-')}`,
    payment_intent: snapshot(pi),
    payment_method: snapshot(pm),
  });
}

function requireAction(st: State, ctx: RequestContext | null, account: string, pi: Stripe.PaymentIntent): void {
  const priv = st.piPrivate.get(pi.id) ?? { awaitingAuth: false, returnUrl: null };
  priv.awaitingAuth = true;
  st.piPrivate.set(pi.id, priv);
  const url = `${st.core.opts.publicUrl}/3ds/${pi.id}?client_secret=${encodeURIComponent(pi.client_secret ?? '')}`;
  setPiStatus(pi, 'requires_action');
  pi.next_action = priv.returnUrl
    ? { type: 'redirect_to_url', redirect_to_url: { url, return_url: priv.returnUrl } }
    : {
        type: 'use_stripe_sdk',
        use_stripe_sdk: {
          type: 'three_d_secure_redirect',
          stripe_js: url,
          source: `src_${pi.id.slice(3)}`,
        } as unknown as Stripe.PaymentIntent.NextAction.UseStripeSdk,
      };
  st.emit('payment_intent.requires_action', pi, { account, ctx });
}

/** Run the payment attempt for a confirmed intent. Throws the 402 on a decline. */
function attempt(st: State, ctx: RequestContext | null, account: string, pi: Stripe.PaymentIntent, offSession: boolean, authenticated: boolean): void {
  const pmId = pi.payment_method as string;
  const pm = st.paymentMethods.get(pmId, account, 'payment_method');
  const priv = st.pmPrivate.get(pm.id) ?? {};
  if (pm.type === 'us_bank_account') {
    setPiStatus(pi, 'processing');
    const ch = makeCharge(st, account, pi, pm, 'pending');
    pi.latest_charge = ch.id;
    st.emit('charge.pending', ch, { account, ctx });
    st.emit('payment_intent.processing', pi, { account, ctx });
    st.core.schedule(st.core.opts.delays.processingMs, () => {
      if (pi.status !== 'processing') return;
      const outcome = bankOutcome(priv.bankAccountNumber ?? '000123456789');
      if (outcome.kind === 'paid') {
        ch.status = 'succeeded';
        ch.paid = true;
        ch.outcome = approvedOutcome();
        captureCharge(st, account, ch, pi.amount, false);
        setPiStatus(pi, 'succeeded');
        pi.amount_received = pi.amount;
        st.emit('charge.succeeded', ch, { account });
        st.emit('payment_intent.succeeded', pi, { account });
        for (const h of piHooks.succeeded) h(st, pi, null);
      } else {
        ch.status = 'failed';
        ch.failure_code = outcome.code;
        ch.failure_message = outcome.message;
        st.emit('charge.failed', ch, { account });
        pi.last_payment_error = {
          type: 'card_error',
          code: outcome.code as Stripe.PaymentIntent.LastPaymentError.Code,
          message: outcome.message,
          charge: ch.id,
          payment_method: snapshot(pm),
          payment_method_type: pm.type,
        };
        setPiStatus(pi, 'requires_payment_method');
        pi.payment_method = null;
        st.emit('payment_intent.payment_failed', pi, { account });
        for (const h of piHooks.failed) h(st, pi, null);
      }
    });
    return;
  }
  const card = priv.card;
  const outcome = card?.outcome ?? { kind: 'succeed' as const };
  if (outcome.kind === '3ds' && !authenticated) {
    const setUp = st.offSessionReady.has(pm.id);
    if (offSession) {
      if (!(setUp && !outcome.always)) {
        throw fail(st, ctx, account, pi, pm, {
          code: 'authentication_required',
          declineCode: 'authentication_required',
          message: DECLINE_MESSAGES.authentication_required,
        });
      }
    } else if (!(setUp && !outcome.always)) {
      requireAction(st, ctx, account, pi);
      return;
    }
  }
  if (outcome.kind === 'decline') {
    throw fail(st, ctx, account, pi, pm, { code: outcome.code, declineCode: outcome.declineCode, message: outcome.message });
  }
  succeed(st, ctx, account, pi, pm);
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

// ---------------- refunds ----------------
export function createRefund(st: State, ctx: RequestContext, p: ParamObject): Stripe.Refund {
  const piId = str(p, 'payment_intent');
  let chId = str(p, 'charge');
  if (piId) {
    const pi = st.paymentIntents.get(piId, ctx.account, 'payment_intent');
    if (pi.status !== 'succeeded' || typeof pi.latest_charge !== 'string')
      throw invalid(`This PaymentIntent (${pi.id}) does not have a successful charge to refund.`, 'payment_intent', 'charge_not_refundable');
    chId = pi.latest_charge;
  }
  if (!chId) throw invalid('One of the following params should be provided for this request: payment_intent or charge.', undefined, 'parameter_missing');
  const ch = st.charges.get(chId, ctx.account, 'charge');
  if (ch.disputed) {
    const dp = st.disputes.list(ctx.account, (d) => d.charge === ch.id)[0];
    if (dp && dp.status !== 'won' && !dp.is_charge_refundable)
      throw invalid(`Charge ${ch.id} has been charged back; cannot issue a refund.`, undefined, 'charge_disputed');
  }
  if (!ch.captured || ch.status !== 'succeeded') throw invalid(`Charge ${ch.id} has not been captured or did not succeed.`, 'charge', 'charge_not_refundable');
  const remaining = ch.amount_captured - ch.amount_refunded;
  if (remaining <= 0) throw invalid(`Charge ${ch.id} has already been refunded.`, 'charge', 'charge_already_refunded');
  const amount = int(p, 'amount') ?? remaining;
  if (amount < 1) throw invalid('Invalid positive integer', 'amount', 'parameter_invalid_integer');
  if (amount > remaining) throw invalid(`Refund amount (${amount}) is greater than unrefunded amount on charge (${remaining})`, 'amount', 'amount_too_large');
  const re: Stripe.Refund = {
    id: st.core.id('re'),
    object: 'refund',
    amount,
    balance_transaction: null,
    charge: ch.id,
    created: st.core.now(),
    currency: ch.currency,
    customer: ch.customer,
    customer_account: null,
    destination_details: {
      type: 'card',
      card: { reference_status: 'pending', reference_type: 'acquirer_reference_number', type: 'refund' },
    } as Stripe.Refund.DestinationDetails,
    metadata: applyMetadata({}, p),
    payment_intent: typeof ch.payment_intent === 'string' ? ch.payment_intent : null,
    payment_method: ch.payment_method,
    reason: (str(p, 'reason') as Stripe.Refund.Reason | undefined) ?? null,
    receipt_number: null,
    source_transfer_reversal: null,
    status: 'succeeded',
    transfer_reversal: null,
  };
  const bt = st.addBalanceTransaction(ctx.account, {
    amount: -amount,
    currency: ch.currency,
    type: 'refund',
    reportingCategory: 'refund',
    source: re.id,
    description: 'REFUND FOR CHARGE',
  });
  re.balance_transaction = bt.id;
  st.refunds.add(re, ctx.account);
  const before = snapshot(ch);
  ch.amount_refunded += amount;
  ch.refunded = ch.amount_refunded >= ch.amount_captured;
  ch.refunds = { object: 'list', data: [re, ...(ch.refunds?.data ?? [])], has_more: false, url: `/v1/charges/${ch.id}/refunds` };
  st.emit('refund.created', re, { account: ctx.account, ctx });
  st.emit('charge.refunded', ch, { account: ctx.account, ctx, previous: { amount_refunded: before.amount_refunded, refunded: before.refunded } });
  return re;
}

// ---------------- disputes ----------------
/** `inquiry`: an inquiry/retrieval (pre-dispute): `warning_needs_response`, no funds withdrawn, the charge stays refundable */
export function createDispute(st: State, account: string, ch: Stripe.Charge, reason: string, ctx: RequestContext | null, inquiry = false): Stripe.Dispute {
  const fee = 1500;
  const dp: Stripe.Dispute = {
    id: st.core.id('dp'),
    object: 'dispute',
    amount: ch.amount_captured - ch.amount_refunded,
    balance_transactions: [],
    charge: ch.id,
    created: st.core.now(),
    currency: ch.currency,
    enhanced_eligibility_types: [],
    evidence: {
      access_activity_log: null,
      billing_address: null,
      cancellation_policy: null,
      cancellation_policy_disclosure: null,
      cancellation_rebuttal: null,
      customer_communication: null,
      customer_email_address: null,
      customer_name: null,
      customer_purchase_ip: null,
      customer_signature: null,
      duplicate_charge_documentation: null,
      duplicate_charge_explanation: null,
      duplicate_charge_id: null,
      enhanced_evidence: {},
      product_description: null,
      receipt: null,
      refund_policy: null,
      refund_policy_disclosure: null,
      refund_refusal_explanation: null,
      service_date: null,
      service_documentation: null,
      shipping_address: null,
      shipping_carrier: null,
      shipping_date: null,
      shipping_documentation: null,
      shipping_tracking_number: null,
      uncategorized_file: null,
      uncategorized_text: null,
    },
    evidence_details: {
      due_by: st.core.now() + 7 * 86400,
      enhanced_eligibility: {},
      has_evidence: false,
      past_due: false,
      submission_count: 0,
      submission_method: 'not_submitted',
    },
    intended_submission_method: null,
    is_charge_refundable: inquiry,
    livemode: false,
    metadata: {},
    payment_intent: ch.payment_intent,
    reason,
    status: inquiry ? 'warning_needs_response' : 'needs_response',
  };
  if (inquiry) {
    st.disputes.add(dp, account);
    ch.disputed = true;
    st.emit('charge.dispute.created', dp, { account, ctx });
    return dp;
  }
  const bt = st.addBalanceTransaction(account, {
    amount: -dp.amount,
    currency: dp.currency,
    type: 'adjustment',
    reportingCategory: 'dispute',
    source: dp.id,
    fee,
    description: `Chargeback withdrawal for ${ch.id}`,
  });
  dp.balance_transactions = [bt];
  st.disputes.add(dp, account);
  ch.disputed = true;
  st.emit('charge.dispute.created', dp, { account, ctx });
  st.emit('charge.dispute.funds_withdrawn', dp, { account, ctx });
  return dp;
}

export function closeDispute(st: State, account: string, dp: Stripe.Dispute, status: 'won' | 'lost', ctx: RequestContext | null): Stripe.Dispute {
  if (['won', 'lost', 'warning_closed'].includes(dp.status))
    throw invalid(`This dispute is already closed (${dp.status}).`, undefined, 'dispute_already_closed' as string);
  const prev = { status: dp.status };
  if (dp.status.startsWith('warning_')) {
    // an inquiry closes without money moving either way
    dp.status = 'warning_closed';
    st.emit('charge.dispute.closed', dp, { account, ctx, previous: prev });
    return dp;
  }
  dp.status = status;
  dp.is_charge_refundable = false;
  if (status === 'won') {
    const bt = st.addBalanceTransaction(account, {
      amount: dp.amount,
      currency: dp.currency,
      type: 'adjustment',
      reportingCategory: 'dispute_reversal',
      source: dp.id,
      fee: -1500,
      description: `Chargeback reversal for ${String(dp.charge)}`,
    });
    dp.balance_transactions = [...dp.balance_transactions, bt];
    st.emit('charge.dispute.funds_reinstated', dp, { account, ctx });
  }
  st.emit('charge.dispute.closed', dp, { account, ctx, previous: prev });
  return dp;
}

export function updateDispute(st: State, ctx: RequestContext, dp: Stripe.Dispute, p: ParamObject): Stripe.Dispute {
  const before = snapshot(dp);
  const ev = obj(p, 'evidence');
  if (ev) {
    for (const [k, v] of Object.entries(ev)) {
      if (typeof v === 'string' && k in dp.evidence) (dp.evidence as unknown as Record<string, unknown>)[k] = v;
    }
    dp.evidence_details.has_evidence = true;
  }
  dp.metadata = applyMetadata(dp.metadata, p);
  if (bool(p, 'submit') !== false && ev) {
    dp.status = dp.status.startsWith('warning_') ? 'warning_under_review' : 'under_review';
    dp.evidence_details.submission_count += 1;
    dp.evidence_details.submission_method = 'manual';
  }
  st.emit('charge.dispute.updated', dp, { account: ctx.account, ctx, previous: previousAttributes(before, dp) });
  return dp;
}

// ---------------- setup intents ----------------
export function createSetupIntent(st: State, ctx: RequestContext, p: ParamObject): Stripe.SetupIntent {
  const customer = str(p, 'customer') || null;
  if (customer) st.customerOrThrow(customer, ctx);
  const id = st.core.id('seti');
  const si: Stripe.SetupIntent = {
    id,
    object: 'setup_intent',
    allowed_payment_method_types: null,
    application: null,
    automatic_payment_methods: obj(p, 'automatic_payment_methods') ? { allow_redirects: 'always', enabled: true } : null,
    cancellation_reason: null,
    client_secret: `${id}_secret_${st.core.secret(25)}`,
    created: st.core.now(),
    customer,
    description: str(p, 'description') ?? null,
    excluded_payment_method_types: null,
    flow_directions: null,
    last_setup_error: null,
    latest_attempt: null,
    livemode: false,
    mandate: null,
    metadata: applyMetadata({}, p),
    next_action: null,
    on_behalf_of: null,
    payment_method: null,
    payment_method_configuration_details: null,
    payment_method_options: null,
    payment_method_types: strArr(p, 'allowed_payment_method_types') ?? strArr(p, 'payment_method_types') ?? ['card'],
    single_use_mandate: null,
    status: 'requires_payment_method',
    usage: str(p, 'usage') ?? 'off_session',
  };
  const pmId = str(p, 'payment_method');
  if (pmId) {
    si.payment_method = st.resolvePaymentMethod(pmId, ctx).id;
    si.status = 'requires_confirmation';
  }
  st.setupIntents.add(si, ctx.account);
  st.emit('setup_intent.created', si, { account: ctx.account, ctx });
  if (bool(p, 'confirm')) return confirmSetupIntent(st, ctx, si, {});
  return si;
}

export function confirmSetupIntent(st: State, ctx: RequestContext, si: Stripe.SetupIntent, p: ParamObject, authenticated = false): Stripe.SetupIntent {
  if (!CONFIRMABLE.includes(si.status))
    throw invalid(`You cannot confirm this SetupIntent because it has a status of ${si.status}.`, undefined, 'setup_intent_unexpected_state');
  const pmParam = str(p, 'payment_method');
  const pmData = obj(p, 'payment_method_data');
  if (pmParam) si.payment_method = st.resolvePaymentMethod(pmParam, ctx).id;
  else if (pmData) si.payment_method = createPaymentMethodFromParams(st, ctx, pmData).id;
  if (!si.payment_method)
    throw invalid("You cannot confirm this SetupIntent because it's missing a payment method.", 'payment_method', 'setup_intent_unexpected_state');
  const pm = st.paymentMethods.get(si.payment_method as string, ctx.account, 'payment_method');
  const outcome = st.pmPrivate.get(pm.id)?.card?.outcome;
  if (outcome?.kind === 'decline' && outcome.onAttach) {
    si.last_setup_error = {
      type: 'card_error',
      code: outcome.code as Stripe.SetupIntent.LastSetupError.Code,
      decline_code: outcome.declineCode,
      message: outcome.message,
      payment_method: snapshot(pm),
    };
    si.status = 'requires_payment_method';
    si.payment_method = null;
    st.emit('setup_intent.setup_failed', si, { account: ctx.account, ctx });
    throw cardError(outcome.code, outcome.message, { decline_code: outcome.declineCode, setup_intent: snapshot(si), payment_method: snapshot(pm) });
  }
  if (outcome?.kind === '3ds' && !authenticated) {
    si.status = 'requires_action';
    const url = `${st.core.opts.publicUrl}/3ds/${si.id}?client_secret=${encodeURIComponent(si.client_secret ?? '')}`;
    const ret = str(p, 'return_url');
    si.next_action = ret
      ? { type: 'redirect_to_url', redirect_to_url: { url, return_url: ret } }
      : ({ type: 'use_stripe_sdk', use_stripe_sdk: { type: 'three_d_secure_redirect', stripe_js: url } } as unknown as Stripe.SetupIntent.NextAction);
    st.emit('setup_intent.requires_action', si, { account: ctx.account, ctx });
    return si;
  }
  si.status = 'succeeded';
  si.next_action = null;
  si.last_setup_error = null;
  st.offSessionReady.add(pm.id);
  if (typeof si.customer === 'string' && !pm.customer) st.attachPaymentMethod(pm, si.customer, ctx);
  st.emit('setup_intent.succeeded', si, { account: ctx.account, ctx });
  return si;
}

export { snapshot };
