import type Stripe from 'stripe';
import { bankOutcome } from '../cards';
import { applyMetadata, currency as currencyParam, previousAttributes, reqInt, RequestContext, snapshot, str } from '../core';
import { invalid, noSuch } from '../errors';
import { all, crud, eq, route, Route } from '../http/router';
import type { ParamObject } from '../params';
import { State } from '../state';
import { getAccount } from './accounts';
import { payoutDayFor } from './payout-schedule';

const DAY_MS = 24 * 3600_000;

// ---------------- payouts ----------------
export function createPayout(st: State, ctx: RequestContext, p: ParamObject): Stripe.Payout {
  const amount = reqInt(p, 'amount');
  if (amount < 1) throw invalid('This value must be greater than or equal to 1.', 'amount', 'parameter_invalid_integer');
  const cur = currencyParam(p);
  const account = ctx.account;
  let destination: Stripe.BankAccount | null = null;
  if (account !== st.platform) {
    const priv = st.accountPrivate.get(account);
    const destParam = str(p, 'destination');
    destination = destParam
      ? (priv?.externalAccounts.find((b) => b.id === destParam) ?? null)
      : (priv?.externalAccounts.find((b) => b.currency === cur && b.default_for_currency) ?? null);
    if (destParam && !destination) throw noSuch('external account', destParam, 'destination');
    if (!destination) throw invalid(`Sorry, you don't have any external accounts in that currency (${cur}).`, 'currency', 'no_external_account' as string);
    const acct = getAccount(st, account);
    if (!acct.payouts_enabled)
      throw invalid('Payouts are not enabled for this account. Complete the account onboarding first.', undefined, 'payouts_not_allowed');
  }
  if (st.available(account, cur) < amount)
    throw invalid(
      'You have insufficient funds in your Stripe account for this transfer. Your card balance is too low. You can use the /v1/balance endpoint to view your Stripe balance (for more details, see stripe.com/docs/api#balance).',
      'amount',
      'balance_insufficient',
    );
  return issuePayout(st, account, { amount, currency: cur, destination, automatic: false, ctx, params: p });
}

/** Create a payout (API or automatic schedule): debit the balance now, `payout.paid`/`payout.failed` at `arrival_date`. */
export function issuePayout(
  st: State,
  account: string,
  input: { amount: number; currency: string; destination: Stripe.BankAccount | null; automatic: boolean; ctx: RequestContext | null; params: ParamObject },
): Stripe.Payout {
  const { amount, destination, ctx } = input;
  const cur = input.currency;
  const p = input.params;
  const delay = st.core.opts.delays.payoutMs;
  const po: Stripe.Payout = {
    id: st.core.id('po'),
    object: 'payout',
    amount,
    application_fee: null,
    application_fee_amount: null,
    arrival_date: Math.ceil((st.core.nowMs() + delay) / 1000),
    automatic: input.automatic,
    balance_transaction: null,
    created: st.core.now(),
    currency: cur,
    description: str(p, 'description') ?? null,
    destination: destination?.id ?? null,
    failure_balance_transaction: null,
    failure_code: null,
    failure_message: null,
    livemode: false,
    metadata: applyMetadata({}, p),
    method: str(p, 'method') ?? 'standard',
    original_payout: null,
    payout_method: null,
    reconciliation_status: 'not_applicable',
    reversed_by: null,
    source_type: str(p, 'source_type') ?? 'card',
    statement_descriptor: str(p, 'statement_descriptor') ?? null,
    status: 'pending',
    trace_id: { status: 'pending', value: null },
    type: 'bank_account',
  };
  const bt = st.addBalanceTransaction(account, {
    amount: -amount,
    currency: cur,
    type: 'payout',
    reportingCategory: 'payout',
    source: po.id,
    description: 'STRIPE PAYOUT',
  });
  po.balance_transaction = bt.id;
  st.payouts.add(po, account);
  st.emit('payout.created', po, { account, ctx });
  const outcome = destination ? st.bankOutcomeOf(destination) : bankOutcome('000123456789');
  st.core.schedule(Math.floor(delay / 2), () => {
    if (po.status !== 'pending') return;
    po.status = 'in_transit';
    st.emit('payout.updated', po, { account, previous: { status: 'pending' } });
  });
  st.core.schedule(delay, () => {
    if (po.status !== 'pending' && po.status !== 'in_transit') return;
    const prev = { status: po.status };
    if (outcome.kind === 'paid') {
      po.status = 'paid';
      po.trace_id = { status: 'supported', value: `EMU${po.id.slice(-10).toUpperCase()}` };
      po.reconciliation_status = 'completed';
      st.emit('payout.paid', po, { account, previous: prev });
    } else {
      po.status = 'failed';
      po.failure_code = outcome.code;
      po.failure_message = outcome.message;
      const fbt = st.addBalanceTransaction(account, {
        amount,
        currency: cur,
        type: 'payout_failure',
        reportingCategory: 'payout_reversal',
        source: po.id,
        description: 'Payout failure',
      });
      po.failure_balance_transaction = fbt.id;
      st.emit('payout.failed', po, { account, previous: prev });
    }
  });
  return po;
}

export function cancelPayout(st: State, ctx: RequestContext, po: Stripe.Payout): Stripe.Payout {
  if (po.status !== 'pending')
    throw invalid(`Payouts can only be canceled while they are pending. This payout has status ${po.status}.`, undefined, 'payout_not_cancelable' as string);
  po.status = 'canceled';
  const bt = st.addBalanceTransaction(ctx.account, {
    amount: po.amount,
    currency: po.currency,
    type: 'payout_cancel',
    reportingCategory: 'payout_reversal',
    source: po.id,
  });
  po.failure_balance_transaction = bt.id;
  st.emit('payout.canceled', po, { account: ctx.account, ctx, previous: { status: 'pending' } });
  return po;
}

/**
 * Automatic payouts: once per emulated day, every connected account on a `daily` schedule (or `weekly`/`monthly`
 * on its anchor day) with payouts enabled gets its whole available balance, per currency, paid out to its default
 * bank account for that currency (`automatic: true`, `payout.created` … `payout.paid` as Connect events).
 */
export function runAutomaticPayouts(st: State): Stripe.Payout[] {
  const made: Stripe.Payout[] = [];
  for (const acct of st.accounts.list(st.platform)) {
    const schedule = acct.settings?.payouts?.schedule;
    if (!schedule || schedule.interval === 'manual' || !acct.payouts_enabled) continue;
    if (!payoutDayFor(schedule, st.core.nowMs())) continue;
    const banks = st.accountPrivate.get(acct.id)?.externalAccounts ?? [];
    for (const row of st.balanceOf(acct.id).available) {
      const destination = banks.find((b) => b.currency === row.currency && b.default_for_currency);
      if (row.amount <= 0 || !destination) continue;
      made.push(issuePayout(st, acct.id, { amount: row.amount, currency: row.currency, destination, automatic: true, ctx: null, params: {} }));
    }
  }
  return made;
}

/** Start the daily automatic-payout run on the emulated clock (recurring: it runs only as the clock passes each day). */
export function startAutomaticPayouts(st: State): void {
  const tick = () => {
    runAutomaticPayouts(st);
    st.core.clock.schedule(DAY_MS, tick, { background: true });
  };
  st.core.clock.schedule(DAY_MS, tick, { background: true });
}

export function payoutRoutes(): Route[] {
  return [
    route('POST', '/v1/payouts', (r) => createPayout(r.st, r.ctx, r.params)),
    ...crud<Stripe.Payout>('/v1/payouts', (st) => st.payouts, {
      filter: (p) =>
        all(
          eq(p, 'status', (x: Stripe.Payout) => x.status),
          eq(p, 'destination', (x) => x.destination),
        ),
      update: (r, po) => {
        const before = snapshot(po);
        po.metadata = applyMetadata(po.metadata, r.params);
        r.st.emit('payout.updated', po, { account: r.ctx.account, ctx: r.ctx, previous: previousAttributes(before, po) });
        return po;
      },
    }),
    route('POST', '/v1/payouts/:id/cancel', (r) => cancelPayout(r.st, r.ctx, r.st.payouts.get(r.path.id, r.ctx.account))),
  ];
}
