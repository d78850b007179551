import type Stripe from 'stripe';
import { applyMetadata, int, RequestContext, snapshot, str } from '../core';
import { invalid } from '../errors';
import { all, crud, eq, listOf, route, Route } from '../http/router';
import type { ParamObject } from '../params';
import { State } from '../state';

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
  st.emit('refund.created', re, { account: ctx.account, ctx });
  st.emit('charge.refunded', ch, { account: ctx.account, ctx, previous: { amount_refunded: before.amount_refunded, refunded: before.refunded } });
  return re;
}

export function refundRoutes(): Route[] {
  return [
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
  ];
}
