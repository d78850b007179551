import type Stripe from 'stripe';
import { applyMetadata, bool, obj, previousAttributes, RequestContext, snapshot } from '../core';
import { invalid } from '../errors';
import { all, crud, eq, route, Route } from '../http/router';
import type { ParamObject } from '../params';
import { State } from '../state';

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

export function disputeRoutes(): Route[] {
  return [
    ...crud<Stripe.Dispute>('/v1/disputes', (st) => st.disputes, {
      filter: (p) =>
        all(
          eq(p, 'charge', (d: Stripe.Dispute) => d.charge),
          eq(p, 'payment_intent', (d) => d.payment_intent),
        ),
      update: (r, d) => updateDispute(r.st, r.ctx, d, r.params),
    }),
    route('POST', '/v1/disputes/:id/close', (r) => closeDispute(r.st, r.ctx.account, r.st.disputes.get(r.path.id, r.ctx.account), 'lost', r.ctx)),
  ];
}
