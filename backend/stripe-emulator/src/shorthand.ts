import type Stripe from 'stripe';
import { cardInfo, TEST_TOKENS } from './cards';
import type { RequestContext } from './core';
import type { State } from './state';

/**
 * A payment method id that must already be attached to `customer` (a customer's or subscription's default payment
 * method). Test-mode shorthands (`pm_card_visa`, ...) name the customer's attached card made from that test card
 * (as in Stripe's own fixtures: `customers create --payment-method pm_card_visa
 * --invoice-settings[default_payment_method]=pm_card_visa`); anything else is looked up as an id. Undefined when a
 * shorthand matches no attached card, so the caller answers with its usual error.
 */
export function attachedPaymentMethod(st: State, ctx: RequestContext, customer: string, id: string): Stripe.PaymentMethod | undefined {
  const number = TEST_TOKENS[id];
  if (!number) return undefined;
  const { brand } = cardInfo(number);
  return st.paymentMethods.list(ctx.account, (pm) => pm.customer === customer && pm.card?.last4 === number.slice(-4) && pm.card?.brand === brand)[0];
}
