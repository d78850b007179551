import type Stripe from 'stripe';
import { ParamSchema, S, SchemaTable } from './schema';

const businessProfileFields = {
  annual_revenue: S.unsupported,
  estimated_worker_count: S.int(),
  mcc: S.string(),
  minority_owned_business_designation: S.array(
    S.enum('lgbtqi_owned_business', 'minority_owned_business', 'none_of_these_apply', 'prefer_not_to_answer', 'women_owned_business'),
  ),
  monthly_estimated_revenue: S.unsupported,
  name: S.string(),
  product_description: S.string(),
  specified_commercial_transactions_act_url: S.string(),
  support_address: S.unsupported,
  support_email: S.string(),
  support_phone: S.string(),
  support_url: S.string(),
  url: S.string(),
} satisfies ParamSchema<Stripe.AccountCreateParams.BusinessProfile>;

const capabilitiesFields = {
  acss_debit_payments: S.unsupported,
  affirm_payments: S.unsupported,
  afterpay_clearpay_payments: S.unsupported,
  alma_payments: S.unsupported,
  amazon_pay_payments: S.unsupported,
  app_distribution: S.unsupported,
  au_becs_debit_payments: S.unsupported,
  bacs_debit_payments: S.unsupported,
  bancontact_payments: S.unsupported,
  bank_transfer_payments: S.unsupported,
  billie_payments: S.unsupported,
  bizum_payments: S.unsupported,
  blik_payments: S.unsupported,
  blik_recurring_payments: S.unsupported,
  boleto_payments: S.unsupported,
  card_issuing: S.unsupported,
  card_payments: S.object<Stripe.AccountCreateParams.Capabilities.CardPayments>({
    requested: S.bool(),
  }),
  cartes_bancaires_payments: S.unsupported,
  cashapp_payments: S.unsupported,
  crypto_payments: S.unsupported,
  eps_payments: S.unsupported,
  fpx_payments: S.unsupported,
  gb_bank_transfer_payments: S.unsupported,
  giropay_payments: S.unsupported,
  grabpay_payments: S.unsupported,
  ideal_payments: S.unsupported,
  india_international_payments: S.unsupported,
  jcb_payments: S.unsupported,
  jp_bank_transfer_payments: S.unsupported,
  kakao_pay_payments: S.unsupported,
  klarna_payments: S.unsupported,
  konbini_payments: S.unsupported,
  kr_card_payments: S.unsupported,
  legacy_payments: S.unsupported,
  link_payments: S.unsupported,
  mb_way_payments: S.unsupported,
  mobilepay_payments: S.unsupported,
  multibanco_payments: S.unsupported,
  mx_bank_transfer_payments: S.unsupported,
  naver_pay_payments: S.unsupported,
  nz_bank_account_becs_debit_payments: S.unsupported,
  oxxo_payments: S.unsupported,
  p24_payments: S.unsupported,
  pay_by_bank_payments: S.unsupported,
  payco_payments: S.unsupported,
  paynow_payments: S.unsupported,
  paypay_payments: S.unsupported,
  payto_payments: S.unsupported,
  pix_payments: S.unsupported,
  promptpay_payments: S.unsupported,
  revolut_pay_payments: S.unsupported,
  samsung_pay_payments: S.unsupported,
  satispay_payments: S.unsupported,
  scalapay_payments: S.unsupported,
  sepa_bank_transfer_payments: S.unsupported,
  sepa_debit_payments: S.unsupported,
  sequra_payments: S.unsupported,
  sofort_payments: S.unsupported,
  sunbit_payments: S.unsupported,
  swish_payments: S.unsupported,
  tax_reporting_us_1099_k: S.unsupported,
  tax_reporting_us_1099_misc: S.unsupported,
  transfers: S.object<Stripe.AccountCreateParams.Capabilities.Transfers>({
    requested: S.bool(),
  }),
  treasury: S.unsupported,
  twint_payments: S.unsupported,
  upi_payments: S.unsupported,
  us_bank_account_ach_payments: S.unsupported,
  us_bank_transfer_payments: S.unsupported,
  wero_payments: S.unsupported,
  zip_payments: S.unsupported,
} satisfies ParamSchema<Stripe.AccountCreateParams.Capabilities>;

const settingsFields = {
  bacs_debit_payments: S.unsupported,
  branding: S.unsupported,
  card_issuing: S.unsupported,
  card_payments: S.unsupported,
  invoices: S.unsupported,
  payments: S.unsupported,
  payouts: S.object<Stripe.AccountCreateParams.Settings.Payouts>({
    debit_negative_balances: S.bool(),
    schedule: S.object<Stripe.AccountCreateParams.Settings.Payouts.Schedule>({
      delay_days: S.oneOf(S.enum('minimum'), S.int()),
      interval: S.enum('manual', 'daily', 'monthly', 'weekly'),
      monthly_anchor: S.int(),
      monthly_payout_days: S.array(S.int()),
      weekly_anchor: S.words('friday monday saturday sunday thursday tuesday wednesday'),
      weekly_payout_days: S.array(S.enum('friday', 'monday', 'thursday', 'tuesday', 'wednesday')),
    }),
    statement_descriptor: S.string(),
  }),
  paypay_payments: S.unsupported,
  sepa_debit_payments: S.unsupported,
  treasury: S.unsupported,
} satisfies ParamSchema<Stripe.AccountCreateParams.Settings>;

const tosAcceptanceFields = {
  date: S.int(),
  ip: S.string(),
  service_agreement: S.string(),
  user_agent: S.string(),
} satisfies ParamSchema<Stripe.AccountCreateParams.TosAcceptance>;

const accountCreate = {
  account_token: S.string(),
  business_profile: S.object<Stripe.AccountCreateParams.BusinessProfile>(businessProfileFields),
  business_type: S.enum('company', 'individual', 'government_entity', 'non_profit'),
  capabilities: S.object<Stripe.AccountCreateParams.Capabilities>(capabilitiesFields),
  company: S.unsupported,
  controller: S.object<Stripe.AccountCreateParams.Controller>({
    fees: S.object<Stripe.AccountCreateParams.Controller.Fees>({
      payer: S.enum('account', 'application'),
    }),
    losses: S.object<Stripe.AccountCreateParams.Controller.Losses>({
      payments: S.enum('application', 'stripe'),
    }),
    requirement_collection: S.enum('application', 'stripe'),
    stripe_dashboard: S.object<Stripe.AccountCreateParams.Controller.StripeDashboard>({
      type: S.enum('none', 'express', 'full'),
    }),
  }),
  country: S.string(),
  default_currency: S.currency(),
  documents: S.unsupported,
  email: S.string(),
  expand: S.expand(),
  external_account: S.oneOf(
    S.string(),
    S.object<Stripe.AccountCreateParams.ExternalAccount>({
      object: S.string(),
      country: S.string(),
      currency: S.currency(),
      account_holder_name: S.string(),
      account_holder_type: S.string(),
      routing_number: S.string(),
      account_number: S.string(),
    }),
  ),
  groups: S.unsupported,
  individual: S.unsupported,
  metadata: S.metadata().orEmpty(),
  settings: S.object<Stripe.AccountCreateParams.Settings>(settingsFields),
  tos_acceptance: S.object<Stripe.AccountCreateParams.TosAcceptance>(tosAcceptanceFields),
  type: S.enum('custom', 'express', 'standard'),
} satisfies ParamSchema<Stripe.AccountCreateParams>;

const accountList = {
  created: S.range(),
  expand: S.expand(),
  ending_before: S.id(),
  limit: S.int(),
  starting_after: S.id(),
} satisfies ParamSchema<Stripe.AccountListParams>;

const accountRetrieveCurrent = {
  expand: S.expand(),
} satisfies ParamSchema<Stripe.AccountRetrieveCurrentParams>;

const accountRetrieve = {
  expand: S.expand(),
} satisfies ParamSchema<Stripe.AccountRetrieveParams>;

const accountUpdate = {
  account_token: S.string(),
  business_profile: S.object<Stripe.AccountUpdateParams.BusinessProfile>(businessProfileFields),
  business_type: S.enum('company', 'individual', 'government_entity', 'non_profit'),
  capabilities: S.object<Stripe.AccountUpdateParams.Capabilities>(capabilitiesFields),
  company: S.unsupported,
  default_currency: S.currency(),
  documents: S.unsupported,
  email: S.string(),
  expand: S.expand(),
  external_account: S.oneOf(
    S.string(),
    S.object<Stripe.AccountUpdateParams.BankAccount>({
      object: S.enum('bank_account'),
      account_holder_name: S.string(),
      account_holder_type: S.enum('company', 'individual'),
      account_number: S.string(),
      country: S.string(),
      currency: S.currency(),
      routing_number: S.string(),
    }),
    S.object<Stripe.AccountUpdateParams.Card>({
      object: S.enum('card'),
      address_city: S.string(),
      address_country: S.string(),
      address_line1: S.string(),
      address_line2: S.string(),
      address_state: S.string(),
      address_zip: S.string(),
      currency: S.currency(),
      cvc: S.string(),
      default_for_currency: S.bool(),
      exp_month: S.int(),
      exp_year: S.int(),
      metadata: S.metadata(),
      name: S.string(),
      number: S.string(),
    }),
    S.object<Stripe.AccountUpdateParams.CardToken>({
      object: S.enum('card'),
      currency: S.currency(),
      token: S.string(),
    }),
  ),
  groups: S.unsupported,
  individual: S.unsupported,
  metadata: S.metadata().orEmpty(),
  settings: S.object<Stripe.AccountUpdateParams.Settings>(settingsFields),
  tos_acceptance: S.object<Stripe.AccountUpdateParams.TosAcceptance>(tosAcceptanceFields),
} satisfies ParamSchema<Stripe.AccountUpdateParams>;

const accountDelete = {} satisfies ParamSchema<Stripe.AccountDeleteParams>;

export const accountSchemas: SchemaTable = {
  'POST /v1/accounts': accountCreate,
  'GET /v1/accounts': accountList,
  'GET /v1/account': accountRetrieveCurrent,
  'GET /v1/accounts/:id': accountRetrieve,
  'POST /v1/accounts/:id': accountUpdate,
  'DELETE /v1/accounts/:id': accountDelete,
};
