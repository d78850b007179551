import type Stripe from 'stripe';
import { bankOutcome } from './cards';
import { applyMetadata, bool, currency as currencyParam, int, obj, previousAttributes, RequestContext, reqInt, reqStr, snapshot, str } from './core';
import { invalid, noSuch } from './errors';
import type { ParamObject } from './params';
import { State } from './state';

export const INITIAL_REQUIREMENTS = [
  'business_profile.mcc',
  'business_profile.url',
  'external_account',
  'individual.dob.day',
  'individual.dob.month',
  'individual.dob.year',
  'individual.email',
  'individual.first_name',
  'individual.last_name',
  'individual.phone',
  'tos_acceptance.date',
  'tos_acceptance.ip',
];

export function createAccount(st: State, ctx: RequestContext, p: ParamObject): Stripe.Account {
  if (ctx.connect) throw invalid('You cannot create connected accounts on behalf of a connected account.', undefined, 'platform_api_key_expired');
  const type = str(p, 'type');
  const controller = obj(p, 'controller');
  if (type && !['express', 'standard', 'custom'].includes(type)) throw invalid(`Invalid type: must be one of express, standard, or custom`, 'type');
  // neither `type` nor `controller`: every controller property takes its default (stripe_dashboard.type `full`), a Standard account
  const dashboard = (controller ? str(obj(controller, 'stripe_dashboard') ?? {}, 'type') : undefined) ?? 'full';
  const accountType: Stripe.Account.Type =
    (type as Stripe.Account.Type | undefined) ?? (dashboard === 'express' ? 'express' : dashboard === 'full' ? 'standard' : 'none');
  const id = st.core.id('acct');
  // a Standard account (Stripe collects its requirements, full Dashboard) has card_payments and transfers from the start,
  // as in Stripe's own account fixture; the others get what was requested, inactive until onboarding
  const caps: Record<string, string> = accountType === 'standard' ? { card_payments: 'active', transfers: 'active' } : {};
  const capParams = obj(p, 'capabilities') ?? {};
  for (const [k, v] of Object.entries(capParams))
    if (typeof v === 'object' && !Array.isArray(v) && str(v, 'requested') === 'true') caps[k] ??= accountType === 'standard' ? 'active' : 'inactive';
  const acct: Stripe.Account = {
    id,
    object: 'account',
    business_profile: {
      mcc: null,
      minority_owned_business_designation: null,
      name: null,
      product_description: null,
      specified_commercial_transactions_act_url: null,
      support_address: null,
      support_email: null,
      support_phone: null,
      support_url: null,
      url: null,
      ...(obj(p, 'business_profile')
        ? {
            name: str(obj(p, 'business_profile')!, 'name') ?? null,
            url: str(obj(p, 'business_profile')!, 'url') ?? null,
            mcc: str(obj(p, 'business_profile')!, 'mcc') ?? null,
          }
        : {}),
    },
    business_type: (str(p, 'business_type') as Stripe.Account.BusinessType | undefined) ?? null,
    capabilities: caps as Stripe.Account.Capabilities,
    charges_enabled: false,
    controller: {
      is_controller: true,
      type: 'application',
      fees: { payer: accountType === 'express' ? 'application_express' : 'application' },
      losses: { payments: 'application' },
      requirement_collection: 'stripe',
      stripe_dashboard: { type: accountType === 'express' ? 'express' : accountType === 'standard' ? 'full' : 'none' },
    },
    country: str(p, 'country') ?? 'US',
    created: st.core.now(),
    default_currency: str(p, 'default_currency') ?? 'usd',
    details_submitted: false,
    email: str(p, 'email') ?? null,
    external_accounts: { object: 'list', data: [], has_more: false, url: `/v1/accounts/${id}/external_accounts` },
    future_requirements: {
      alternatives: [],
      current_deadline: null,
      currently_due: [],
      disabled_reason: null,
      errors: [],
      eventually_due: [],
      past_due: [],
      pending_verification: [],
    },
    metadata: applyMetadata({}, p),
    payouts_enabled: false,
    requirements: {
      alternatives: [],
      current_deadline: null,
      currently_due: [...INITIAL_REQUIREMENTS],
      disabled_reason: 'requirements.past_due',
      errors: [],
      eventually_due: [...INITIAL_REQUIREMENTS],
      past_due: [...INITIAL_REQUIREMENTS],
      pending_verification: [],
    },
    settings: null,
    tos_acceptance: { date: null, ip: null, user_agent: null },
    type: accountType,
  };
  st.accounts.add(acct, st.platform);
  st.accountPrivate.set(id, { onboarded: false, externalAccounts: [] });
  const ext = typeof p.external_account === 'string' ? str(p, 'external_account') : obj(p, 'external_account');
  if (ext) addExternalAccount(st, acct, ext, true, null);
  return acct;
}

export function getAccount(st: State, id: string): Stripe.Account {
  const a = st.accounts.find(id);
  if (!a) throw noSuch('account', id, 'account');
  return a;
}

/** Recompute requirements after something was provided. */
function refreshRequirements(st: State, acct: Stripe.Account): void {
  const priv = st.accountPrivate.get(acct.id);
  if (!priv || !acct.requirements) return;
  let due = acct.requirements.currently_due ?? [];
  if ((acct.external_accounts?.data.length ?? 0) > 0) due = due.filter((d) => d !== 'external_account');
  if (acct.tos_acceptance?.date) due = due.filter((d) => !d.startsWith('tos_acceptance'));
  acct.requirements.currently_due = due;
  acct.requirements.past_due = due;
  acct.requirements.eventually_due = due;
  if (due.length === 0) {
    acct.requirements.disabled_reason = null;
    acct.charges_enabled = true;
    acct.payouts_enabled = true;
    for (const k of Object.keys(acct.capabilities ?? {})) (acct.capabilities as Record<string, string>)[k] = 'active';
  }
}

export function addExternalAccount(
  st: State,
  acct: Stripe.Account,
  input: string | ParamObject,
  makeDefault: boolean,
  ctx: RequestContext | null,
): Stripe.BankAccount {
  let number = '000123456789';
  let routing = '110000000';
  let holder: string | null = null;
  let cur = acct.default_currency ?? 'usd';
  let country = acct.country ?? 'US';
  if (typeof input === 'string') {
    const tokens: Record<string, string> = {
      btok_us_verified: '000123456789',
      btok_us_verified_noAccount: '000111111116',
      btok_us_verified_accountClosed: '000111111113',
    };
    number = tokens[input] ?? (/^\d+$/.test(input) ? input : '000123456789');
  } else {
    const kind = str(input, 'object');
    if (kind && kind !== 'bank_account') throw invalid('The emulator supports bank_account external accounts only.', 'external_account[object]');
    number = str(input, 'account_number') ?? number;
    routing = str(input, 'routing_number') ?? routing;
    holder = str(input, 'account_holder_name') ?? null;
    cur = str(input, 'currency')?.toLowerCase() ?? cur;
    country = str(input, 'country') ?? country;
    if (bool(input, 'default_for_currency')) makeDefault = true;
  }
  const priv = st.accountPrivate.get(acct.id)!;
  const ba: Stripe.BankAccount = {
    id: st.core.id('ba'),
    object: 'bank_account',
    account: acct.id,
    account_holder_name: holder,
    account_holder_type: 'individual',
    account_type: null,
    available_payout_methods: ['standard', 'instant'],
    bank_name: 'STRIPE TEST BANK',
    country,
    currency: cur,
    default_for_currency: false,
    fingerprint: `fp${number.slice(-8)}`,
    last4: number.slice(-4),
    metadata: {},
    routing_number: routing,
    status: 'new',
  };
  const sameCurrency = priv.externalAccounts.filter((x) => x.currency === cur);
  if (makeDefault || sameCurrency.length === 0) {
    for (const x of sameCurrency) x.default_for_currency = false;
    ba.default_for_currency = true;
  }
  priv.externalAccounts.push(ba);
  st.bankAccounts.add(ba, acct.id);
  st.accountNumbers.set(ba.id, number);
  acct.external_accounts = { object: 'list', data: [...priv.externalAccounts].reverse(), has_more: false, url: `/v1/accounts/${acct.id}/external_accounts` };
  if (ctx) st.emit('account.external_account.created', ba, { account: acct.id, ctx });
  return ba;
}

export function updateAccount(st: State, ctx: RequestContext | null, acct: Stripe.Account, p: ParamObject): Stripe.Account {
  const before = snapshot(acct);
  if (p.email !== undefined) acct.email = str(p, 'email') || null;
  acct.metadata = applyMetadata(acct.metadata ?? {}, p);
  const bp = obj(p, 'business_profile');
  if (bp && acct.business_profile) {
    for (const k of ['name', 'url', 'mcc', 'support_email', 'product_description'] as const)
      if (bp[k] !== undefined) acct.business_profile[k] = str(bp, k) || null;
    if (acct.requirements?.currently_due)
      acct.requirements.currently_due = acct.requirements.currently_due.filter(
        (d) => !(d === 'business_profile.url' && acct.business_profile?.url) && !(d === 'business_profile.mcc' && acct.business_profile?.mcc),
      );
  }
  const tos = obj(p, 'tos_acceptance');
  if (tos) acct.tos_acceptance = { date: int(tos, 'date') ?? st.core.now(), ip: str(tos, 'ip') ?? '127.0.0.1', user_agent: str(tos, 'user_agent') ?? null };
  const caps = obj(p, 'capabilities');
  if (caps) {
    for (const [k, v] of Object.entries(caps))
      if (typeof v === 'object' && !Array.isArray(v) && str(v, 'requested') === 'true' && !(acct.capabilities as Record<string, string>)[k])
        (acct.capabilities as Record<string, string>)[k] = acct.charges_enabled ? 'active' : 'inactive';
  }
  const ext = typeof p.external_account === 'string' ? str(p, 'external_account') : obj(p, 'external_account');
  if (ext) addExternalAccount(st, acct, ext, true, ctx);
  refreshRequirements(st, acct);
  const prev = previousAttributes(before, acct);
  if (Object.keys(prev).length) st.emit('account.updated', acct, { account: acct.id, ctx, previous: prev });
  return acct;
}

/** What submitting the hosted onboarding form does. */
export function completeOnboarding(
  st: State,
  acct: Stripe.Account,
  input: { accountNumber?: string; name?: string },
  ctx: RequestContext | null,
): Stripe.Account {
  const before = snapshot(acct);
  const priv = st.accountPrivate.get(acct.id)!;
  if (input.accountNumber || priv.externalAccounts.length === 0)
    addExternalAccount(
      st,
      acct,
      {
        object: 'bank_account',
        account_number: input.accountNumber ?? '000123456789',
        account_holder_name: input.name ?? 'Jenny Rosen',
        default_for_currency: 'true',
      },
      true,
      null,
    );
  priv.onboarded = true;
  acct.details_submitted = true;
  acct.business_type = acct.business_type ?? 'individual';
  acct.tos_acceptance = { date: st.core.now(), ip: '127.0.0.1', user_agent: 'emulator' };
  if (acct.requirements) {
    acct.requirements.currently_due = [];
    acct.requirements.eventually_due = [];
    acct.requirements.past_due = [];
  }
  if (!acct.capabilities || Object.keys(acct.capabilities).length === 0) acct.capabilities = { transfers: 'inactive', card_payments: 'inactive' };
  refreshRequirements(st, acct);
  st.emit('account.updated', acct, { account: acct.id, ctx, previous: previousAttributes(before, acct) });
  return acct;
}

export function createAccountLink(st: State, ctx: RequestContext, p: ParamObject): Stripe.AccountLink {
  const accountId = reqStr(p, 'account');
  getAccount(st, accountId);
  const type = reqStr(p, 'type');
  if (!['account_onboarding', 'account_update'].includes(type)) throw invalid('Invalid type: must be one of account_onboarding or account_update', 'type');
  const refreshUrl = str(p, 'refresh_url');
  const returnUrl = str(p, 'return_url');
  if (!returnUrl) throw invalid('Missing required param: return_url.', 'return_url', 'parameter_missing');
  const token = st.core.secret(24);
  const link: Stripe.AccountLink = {
    object: 'account_link',
    created: st.core.now(),
    expires_at: st.core.now() + 300,
    url: `${st.core.opts.publicUrl}/connect/onboarding/${token}`,
  };
  st.accountLinks.set(token, { link, account: accountId, refreshUrl: refreshUrl ?? returnUrl, returnUrl, visited: false, used: false });
  void ctx;
  return link;
}

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
    const already = st.transfers.list(st.platform, (t) => t.source_transaction === ch.id).reduce((s, t) => s + t.amount - t.amount_reversed, 0);
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
  const delay = st.core.opts.delays.payoutMs;
  const po: Stripe.Payout = {
    id: st.core.id('po'),
    object: 'payout',
    amount,
    application_fee: null,
    application_fee_amount: null,
    arrival_date: Math.ceil((st.core.nowMs() + delay) / 1000),
    automatic: false,
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
