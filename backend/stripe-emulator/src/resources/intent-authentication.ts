import type Stripe from 'stripe';
import { RequestContext } from '../core';
import { invalid } from '../errors';
import { State } from '../state';
import { completeAuthentication } from './payment-intents';
import { confirmSetupIntent } from './setup-intents';

/** Outcome of the simulated 3-D Secure challenge for a PaymentIntent or SetupIntent. */
export function authenticateIntent(st: State, id: string, success: boolean, clientSecret?: string): Stripe.PaymentIntent | Stripe.SetupIntent {
  if (id.startsWith('seti_')) {
    const account = st.setupIntents.accountOf(id);
    if (!account) throw invalid(`No such setupintent: '${id}'`, 'id', 'resource_missing');
    const si = st.setupIntents.get(id, account);
    if (clientSecret !== undefined && clientSecret !== si.client_secret) throw invalid('The client_secret provided does not match.', 'client_secret');
    const ctx: RequestContext = { account, connect: account !== st.platform, requestId: null, idempotencyKey: null, publishable: false };
    if (si.status !== 'requires_action') return si;
    if (!success) {
      si.status = 'requires_payment_method';
      si.next_action = null;
      si.last_setup_error = {
        type: 'invalid_request_error',
        code: 'setup_intent_authentication_failure',
        message: 'We are unable to authenticate your payment method. Please choose a different payment method and try again.',
      };
      si.payment_method = null;
      st.emit('setup_intent.setup_failed', si, { account, ctx });
      return si;
    }
    si.status = 'requires_confirmation';
    return confirmSetupIntent(st, ctx, si, {}, true);
  }
  const account = st.paymentIntents.accountOf(id);
  if (!account) throw invalid(`No such payment_intent: '${id}'`, 'id', 'resource_missing');
  const pi = st.paymentIntents.get(id, account);
  if (clientSecret !== undefined && clientSecret !== pi.client_secret) throw invalid('The client_secret provided does not match.', 'client_secret');
  return completeAuthentication(st, null, account, pi, success);
}
