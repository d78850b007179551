import type Stripe from 'stripe';
import { applyMetadata, currency as currencyParam, int, previousAttributes, reqInt, reqStr, RequestContext, snapshot, str } from '../core';
import { invalid } from '../errors';
import { all, crud, eq, listOf, route, Route } from '../http/router';
import type { ParamObject } from '../params';
import { State } from '../state';
import { getAccount } from './accounts';

// ---------------- transfers ----------------
export function createTransfer(st: State, ctx: RequestContext, p: ParamObject): Stripe.Transfer {
  if (ctx.connect) throw invalid('Transfers must be created by the platform (no Stripe-Account header).');
  const amount = reqInt(p, 'amount');
  if (amount < 1) throw invalid('This value must be greater than or equal to 1.', 'amount', 'parameter_invalid_integer');
  const cur = currencyParam(p);
  const destId = reqStr(p, 'destination');
  const dest = getAccount(st, destId);
  if ((dest.capabilities as Record<string, string> | undefined)?.transfers !== 'active' && !dest.payouts_enabled)
    throw invalid(
      'Your destination account needs to have at least one of the following capabilities enabled: transfers, crypto_transfers, legacy_payments',
      'destination',
      'insufficient_capabilities_for_transfer',
    );
  const sourceTx = str(p, 'source_transaction');
  let availableAtMs = st.core.nowMs();
  if (sourceTx) {
    const ch = st.charges.get(sourceTx, st.platform, 'source_transaction');
    if (ch.status !== 'succeeded') throw invalid(`The source_transaction ${ch.id} has not succeeded.`, 'source_transaction');
    if (ch.currency !== cur)
      throw invalid(`The currency of source_transaction's balance transaction (${ch.currency}) must be the same as the transfer currency (${cur})`, 'currency');
    // what the charge has left: captured − refunded − everything already transferred from it (reversals do not
    // make room again: never more forgiving than Stripe)
    const already = st.transfers.list(st.platform, (t) => t.source_transaction === ch.id).reduce((sum, t) => sum + t.amount, 0);
    const left = ch.amount_captured - ch.amount_refunded - already;
    if (amount > left)
      throw invalid(
        `Cannot create transfers with an amount greater than the total amount of the source transaction (${left} left).`,
        'amount',
        'transfer_source_balance_parameters_mismatch',
      );
    const bt = typeof ch.balance_transaction === 'string' ? st.balanceTransactions.find(ch.balance_transaction) : undefined;
    if (bt && bt.status === 'pending') availableAtMs = bt.available_on * 1000;
  } else if (st.available(st.platform, cur) < amount) {
    throw invalid(
      'You have insufficient available funds in your Stripe account. Try adding funds directly to your available balance by creating Charges using the 4000000000000077 test card. See: https://stripe.com/docs/testing#available-balance',
      undefined,
      'balance_insufficient',
    );
  }
  const id = st.core.id('tr');
  const tr: Stripe.Transfer = {
    id,
    object: 'transfer',
    amount,
    amount_reversed: 0,
    balance_transaction: null,
    created: st.core.now(),
    currency: cur,
    description: str(p, 'description') ?? null,
    destination: destId,
    destination_payment: undefined,
    livemode: false,
    metadata: applyMetadata({}, p),
    reversals: { object: 'list', data: [], has_more: false, url: `/v1/transfers/${id}/reversals` },
    reversed: false,
    source_transaction: sourceTx ?? null,
    source_type: 'card',
    transfer_group: str(p, 'transfer_group') ?? null,
  };
  const bt = st.addBalanceTransaction(st.platform, {
    amount: -amount,
    currency: cur,
    type: 'transfer',
    reportingCategory: 'transfer',
    source: id,
    availableAtMs,
  });
  tr.balance_transaction = bt.id;
  // the payment that lands on the connected account
  const pyId = st.core.id('py');
  const pyBt = st.addBalanceTransaction(destId, { amount, currency: cur, type: 'payment', reportingCategory: 'charge', source: pyId, availableAtMs });
  const payment: Stripe.Charge = {
    id: pyId,
    object: 'charge',
    amount,
    amount_captured: amount,
    amount_refunded: 0,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: pyBt.id,
    billing_details: { address: null, email: null, name: null, phone: null, tax_id: null },
    calculated_statement_descriptor: null,
    captured: true,
    created: st.core.now(),
    currency: cur,
    customer: null,
    description: null,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: null,
    failure_message: null,
    fraud_details: {},
    livemode: false,
    metadata: {},
    on_behalf_of: null,
    outcome: null,
    paid: true,
    payment_intent: null,
    payment_method: null,
    payment_method_details: { type: 'stripe_account', stripe_account: {} },
    receipt_email: null,
    receipt_number: null,
    receipt_url: null,
    refunded: false,
    review: null,
    shipping: null,
    source: null,
    source_transfer: id,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: 'succeeded',
    transfer_data: null,
    transfer_group: tr.transfer_group,
  };
  st.charges.add(payment, destId);
  tr.destination_payment = pyId;
  st.transfers.add(tr, st.platform);
  st.emit('transfer.created', tr, { account: st.platform, ctx });
  return tr;
}

export function reverseTransfer(st: State, ctx: RequestContext, tr: Stripe.Transfer, p: ParamObject): Stripe.TransferReversal {
  const left = tr.amount - tr.amount_reversed;
  if (left <= 0) throw invalid(`Transfer ${tr.id} has already been fully reversed.`, undefined, 'transfer_already_reversed' as string);
  const amount = int(p, 'amount') ?? left;
  if (amount < 1 || amount > left)
    throw invalid(`The reversal amount (${amount}) exceeds the amount remaining on the transfer (${left}).`, 'amount', 'amount_too_large');
  const id = st.core.id('trr');
  const dest = typeof tr.destination === 'string' ? tr.destination : (tr.destination?.id ?? '');
  const bt = st.addBalanceTransaction(st.platform, {
    amount,
    currency: tr.currency,
    type: 'transfer_refund',
    reportingCategory: 'transfer_reversal',
    source: id,
  });
  const refundId = st.core.id('pyr');
  st.addBalanceTransaction(dest, { amount: -amount, currency: tr.currency, type: 'payment_refund', reportingCategory: 'refund', source: refundId });
  const rev: Stripe.TransferReversal = {
    id,
    object: 'transfer_reversal',
    amount,
    balance_transaction: bt.id,
    created: st.core.now(),
    currency: tr.currency,
    destination_payment_refund: refundId,
    metadata: applyMetadata({}, p),
    source_refund: null,
    transfer: tr.id,
  };
  st.reversals.add(rev, st.platform);
  const before = snapshot(tr);
  tr.amount_reversed += amount;
  tr.reversed = tr.amount_reversed >= tr.amount;
  tr.reversals = { object: 'list', data: [rev, ...tr.reversals.data], has_more: false, url: `/v1/transfers/${tr.id}/reversals` };
  st.emit('transfer.reversed', tr, { account: st.platform, ctx, previous: { amount_reversed: before.amount_reversed, reversed: before.reversed } });
  return rev;
}

export function transferRoutes(): Route[] {
  return [
    route('POST', '/v1/transfers', (r) => createTransfer(r.st, r.ctx, r.params)),
    ...crud<Stripe.Transfer>('/v1/transfers', (st) => st.transfers, {
      filter: (p) =>
        all(
          eq(p, 'destination', (t: Stripe.Transfer) => t.destination),
          eq(p, 'transfer_group', (t) => t.transfer_group),
        ),
      update: (r, t) => {
        const before = snapshot(t);
        t.metadata = applyMetadata(t.metadata, r.params);
        if (r.params.description !== undefined) t.description = str(r.params, 'description') || null;
        r.st.emit('transfer.updated', t, { account: r.st.platform, ctx: r.ctx, previous: previousAttributes(before, t) });
        return t;
      },
    }),
    route('POST', '/v1/transfers/:id/reversals', (r) => reverseTransfer(r.st, r.ctx, r.st.transfers.get(r.path.id, r.ctx.account), r.params)),
    route('GET', '/v1/transfers/:id/reversals', (r) =>
      listOf(
        r.st.reversals.list(r.ctx.account, (x) => x.transfer === r.path.id),
        r.params,
        `/v1/transfers/${r.path.id}/reversals`,
      ),
    ),
    route('GET', '/v1/transfers/:id/reversals/:rid', (r) => r.st.reversals.get(r.path.rid, r.ctx.account)),
  ];
}
