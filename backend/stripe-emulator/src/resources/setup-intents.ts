import type Stripe from 'stripe';
import { applyMetadata, bool, obj, RequestContext, snapshot, str, strArr } from '../core';
import { cardError, invalid } from '../errors';
import { checkClientSecret, eq, listOf, route, Route } from '../http/router';
import type { ParamObject } from '../params';
import { State } from '../state';
import { CONFIRMABLE } from './payment-intents';
import { createPaymentMethodFromParams } from './payment-methods';

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

export function setupIntentRoutes(): Route[] {
  return [
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
  ];
}
