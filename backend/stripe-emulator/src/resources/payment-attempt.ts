import type Stripe from 'stripe';
import { bankOutcome, DECLINE_MESSAGES, processingFee } from '../cards';
import { RequestContext, snapshot } from '../core';
import { StripeApiError } from '../errors';
import { State } from '../state';
import { createDispute } from './disputes';

/** A confirmed PaymentIntent's payment attempt: its charge, capture, decline, 3-D Secure and ACH processing. */

/** hooks so invoices/subscriptions learn about their intents' outcomes */
export const piHooks: {
  succeeded: Array<(st: State, pi: Stripe.PaymentIntent, ctx: RequestContext | null) => void>;
  failed: Array<(st: State, pi: Stripe.PaymentIntent, ctx: RequestContext | null) => void>;
} = { succeeded: [], failed: [] };

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
export function captureCharge(st: State, account: string, ch: Stripe.Charge, amount: number, bypassPending: boolean): void {
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

export function setPiStatus(pi: Stripe.PaymentIntent, status: Stripe.PaymentIntent.Status): void {
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
export function fail(
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
export function attempt(st: State, ctx: RequestContext | null, account: string, pi: Stripe.PaymentIntent, offSession: boolean, authenticated: boolean): void {
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
