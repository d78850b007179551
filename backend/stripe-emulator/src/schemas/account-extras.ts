import type Stripe from 'stripe';
import { ParamSchema, S, SchemaTable } from './schema';

const externalAccountCreate = {
  external_account: S.oneOf(
    S.string(),
    S.object<Stripe.AccountCreateExternalAccountParams.Card>({
      object: S.enum('card'),
      address_city: S.string(),
      address_country: S.string(),
      address_line1: S.string(),
      address_line2: S.string(),
      address_state: S.string(),
      address_zip: S.string(),
      currency: S.currency(),
      cvc: S.string(),
      exp_month: S.int(),
      exp_year: S.int(),
      metadata: S.metadata(),
      name: S.string(),
      number: S.string(),
    }),
    S.object<Stripe.AccountCreateExternalAccountParams.BankAccount>({
      object: S.enum('bank_account'),
      account_holder_name: S.string(),
      account_holder_type: S.enum('company', 'individual'),
      account_number: S.string(),
      country: S.string(),
      currency: S.currency(),
      routing_number: S.string(),
    }),
    S.object<Stripe.AccountCreateExternalAccountParams.CardToken>({
      object: S.enum('card'),
      currency: S.currency(),
      token: S.string(),
    }),
  ).required(),
  default_for_currency: S.bool(),
  expand: S.expand(),
  metadata: S.metadata(),
} satisfies ParamSchema<Stripe.AccountCreateExternalAccountParams>;

const externalAccountList = {
  expand: S.expand(),
  object: S.enum('card', 'bank_account'),
  ending_before: S.id(),
  limit: S.int(),
  starting_after: S.id(),
} satisfies ParamSchema<Stripe.AccountListExternalAccountsParams>;

const externalAccountRetrieve = {
  expand: S.expand(),
} satisfies ParamSchema<Stripe.AccountRetrieveExternalAccountParams>;

const loginLinkCreate = {
  expand: S.expand(),
} satisfies ParamSchema<Stripe.AccountCreateLoginLinkParams>;

const accountLinkCreate = {
  account: S.id().required(),
  type: S.enum('account_onboarding', 'account_update').required(),
  collect: S.enum('currently_due', 'eventually_due'),
  collection_options: S.unsupported,
  expand: S.expand(),
  refresh_url: S.string(),
  return_url: S.string(),
} satisfies ParamSchema<Stripe.AccountLinkCreateParams>;

export const accountExtraSchemas: SchemaTable = {
  'POST /v1/accounts/:id/external_accounts': externalAccountCreate,
  'GET /v1/accounts/:id/external_accounts': externalAccountList,
  'GET /v1/accounts/:id/external_accounts/:ba': externalAccountRetrieve,
  'POST /v1/accounts/:id/login_links': loginLinkCreate,
  'POST /v1/account_links': accountLinkCreate,
};
