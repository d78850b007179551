import type Stripe from 'stripe';
import { applyMetadata, bool, int, obj, previousAttributes, reqStr, RequestContext, snapshot, str } from '../core';
import { invalid, noSuch } from '../errors';
import { deleted, listOf, route, Route } from '../http/router';
import type { ParamObject } from '../params';
import { State } from '../state';
import { applyPayoutSettings, defaultSettings } from './payout-schedule';

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
    settings: defaultSettings(st.defaultPayoutInterval),
    tos_acceptance: { date: null, ip: null, user_agent: null },
    type: accountType,
  };
  applyPayoutSettings(acct, p);
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
  const pastDue = (acct.requirements.past_due ?? []).filter((d) => due.includes(d));
  acct.requirements.currently_due = due;
  acct.requirements.past_due = pastDue;
  acct.requirements.eventually_due = [...new Set([...due, ...(acct.requirements.eventually_due ?? []).filter((d) => due.includes(d))])];
  if (due.length === 0) acct.requirements.current_deadline = null;
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
  applyPayoutSettings(acct, p);
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
    acct.requirements.current_deadline = null;
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

export function accountRoutes(): Route[] {
  return [
    route('POST', '/v1/accounts', (r) => createAccount(r.st, r.ctx, r.params)),
    route('GET', '/v1/accounts', (r) => listOf(r.st.accounts.list(r.st.platform), r.params, '/v1/accounts')),
    route('GET', '/v1/account', (r) => (r.ctx.account === r.st.platform ? r.st.platformAccount() : getAccount(r.st, r.ctx.account))),
    route('GET', '/v1/accounts/:id', (r) => (r.path.id === r.st.platform ? r.st.platformAccount() : getAccount(r.st, r.path.id))),
    route('POST', '/v1/accounts/:id', (r) => updateAccount(r.st, r.ctx, getAccount(r.st, r.path.id), r.params)),
    route('DELETE', '/v1/accounts/:id', (r) => {
      const a = getAccount(r.st, r.path.id);
      r.st.accounts.delete(a.id);
      return deleted(a.id, 'account');
    }),
    route('POST', '/v1/accounts/:id/external_accounts', (r) => {
      const a = getAccount(r.st, r.path.id);
      const ext = typeof r.params.external_account === 'string' ? str(r.params, 'external_account') : obj(r.params, 'external_account');
      if (!ext) throw invalid('Missing required param: external_account.', 'external_account', 'parameter_missing');
      const ba = addExternalAccount(r.st, a, ext, bool(r.params, 'default_for_currency') ?? false, r.ctx);
      ba.metadata = applyMetadata(ba.metadata ?? {}, r.params);
      return ba;
    }),
    route('GET', '/v1/accounts/:id/external_accounts', (r) => {
      getAccount(r.st, r.path.id);
      return listOf(r.st.bankAccounts.list(r.path.id), r.params, `/v1/accounts/${r.path.id}/external_accounts`);
    }),
    route('GET', '/v1/accounts/:id/external_accounts/:ba', (r) => r.st.bankAccounts.get(r.path.ba, r.path.id)),
    route('POST', '/v1/account_links', (r) => createAccountLink(r.st, r.ctx, r.params)),
  ];
}
