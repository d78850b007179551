import type Stripe from 'stripe';
import { ParamSchema, S, SchemaTable } from './schema';

export const setupIntentCreate = {
  allowed_payment_method_types: S.array(
    S.words(
      'acss_debit affirm afterpay_clearpay alipay alma amazon_pay au_becs_debit bacs_debit bancontact billie bizum blik boleto card cashapp crypto customer_balance eps fpx giropay grabpay ideal kakao_pay klarna konbini kr_card link mb_way mobilepay multibanco naver_pay nz_bank_account oxxo p24 pay_by_bank payco paynow paypal paypay payto pix promptpay revolut_pay samsung_pay satispay scalapay sepa_debit sequra sofort sunbit swish twint upi us_bank_account wechat_pay zip boku_promptpay capchase_pay card_present check_scan click_to_pay demo_pay duitnow dummy_auth_push dummy_passthrough_card edenred gcash getbalance gift_card gopay id_bank_transfer interac_present knet kr_market kriya momo mondu netbanking ng_bank ng_bank_transfer ng_card ng_market ng_ussd ng_wallet octopus paper_check qris rechnung shop_pay shopeepay south_korea_market stripe_balance tamara test_pay touch_n_go truemoney us_cash_voucher vipps wero',
    ),
  ),
  attach_to_self: S.bool(),
  automatic_payment_methods: S.object<Stripe.SetupIntentCreateParams.AutomaticPaymentMethods>({
    allow_redirects: S.enum('always', 'never'),
    enabled: S.bool(),
  }),
  confirm: S.bool(),
  confirmation_token: S.string(),
  customer: S.string(),
  customer_account: S.string(),
  description: S.string(),
  excluded_payment_method_types: S.array(
    S.words(
      'acss_debit affirm afterpay_clearpay alipay alma amazon_pay au_becs_debit bacs_debit bancontact billie bizum blik boleto card cashapp crypto customer_balance eps fpx giropay grabpay ideal kakao_pay klarna konbini kr_card mb_way mobilepay multibanco naver_pay nz_bank_account oxxo p24 pay_by_bank payco paynow paypal paypay payto pix promptpay revolut_pay samsung_pay satispay scalapay sepa_debit sequra sofort sunbit swish twint upi us_bank_account wechat_pay zip',
    ),
  ),
  expand: S.expand(),
  flow_directions: S.array(S.enum('inbound', 'outbound')),
  mandate_data: S.unsupported,
  metadata: S.metadata(),
  on_behalf_of: S.string(),
  payment_method: S.string(),
  payment_method_configuration: S.string(),
  payment_method_data: S.unsupported,
  payment_method_options: S.unsupported,
  return_url: S.string(),
  single_use: S.unsupported,
  usage: S.enum('off_session', 'on_session'),
  use_stripe_sdk: S.bool(),
} satisfies ParamSchema<Stripe.SetupIntentCreateParams>;

export const setupIntentList = {
  attach_to_self: S.bool(),
  created: S.oneOf(
    S.int(),
    S.object<Stripe.RangeQueryParam>({
      gt: S.int(),
      gte: S.int(),
      lt: S.int(),
      lte: S.int(),
    }),
  ),
  customer: S.string(),
  customer_account: S.string(),
  expand: S.expand(),
  payment_method: S.string(),
  ending_before: S.string(),
  limit: S.int(),
  starting_after: S.string(),
} satisfies ParamSchema<Stripe.SetupIntentListParams>;

export const setupIntentRetrieve = {
  client_secret: S.string(),
  expand: S.expand(),
} satisfies ParamSchema<Stripe.SetupIntentRetrieveParams>;

export const setupIntentUpdate = {
  allowed_payment_method_types: S.array(
    S.words(
      'acss_debit affirm afterpay_clearpay alipay alma amazon_pay au_becs_debit bacs_debit bancontact billie bizum blik boleto card cashapp crypto customer_balance eps fpx giropay grabpay ideal kakao_pay klarna konbini kr_card link mb_way mobilepay multibanco naver_pay nz_bank_account oxxo p24 pay_by_bank payco paynow paypal paypay payto pix promptpay revolut_pay samsung_pay satispay scalapay sepa_debit sequra sofort sunbit swish twint upi us_bank_account wechat_pay zip boku_promptpay capchase_pay card_present check_scan click_to_pay demo_pay duitnow dummy_auth_push dummy_passthrough_card edenred gcash getbalance gift_card gopay id_bank_transfer interac_present knet kr_market kriya momo mondu netbanking ng_bank ng_bank_transfer ng_card ng_market ng_ussd ng_wallet octopus paper_check qris rechnung shop_pay shopeepay south_korea_market stripe_balance tamara test_pay touch_n_go truemoney us_cash_voucher vipps wero',
    ),
  ).orEmpty(),
  attach_to_self: S.bool(),
  customer: S.string(),
  customer_account: S.string(),
  description: S.string(),
  excluded_payment_method_types: S.array(
    S.words(
      'acss_debit affirm afterpay_clearpay alipay alma amazon_pay au_becs_debit bacs_debit bancontact billie bizum blik boleto card cashapp crypto customer_balance eps fpx giropay grabpay ideal kakao_pay klarna konbini kr_card mb_way mobilepay multibanco naver_pay nz_bank_account oxxo p24 pay_by_bank payco paynow paypal paypay payto pix promptpay revolut_pay samsung_pay satispay scalapay sepa_debit sequra sofort sunbit swish twint upi us_bank_account wechat_pay zip',
    ),
  ).orEmpty(),
  expand: S.expand(),
  flow_directions: S.array(S.enum('inbound', 'outbound')),
  metadata: S.metadata().orEmpty(),
  payment_method: S.string(),
  payment_method_configuration: S.string(),
  payment_method_data: S.unsupported,
  payment_method_options: S.unsupported,
} satisfies ParamSchema<Stripe.SetupIntentUpdateParams>;

export const setupIntentConfirm = {
  allowed_payment_method_types: S.array(
    S.words(
      'acss_debit affirm afterpay_clearpay alipay alma amazon_pay au_becs_debit bacs_debit bancontact billie bizum blik boleto card cashapp crypto customer_balance eps fpx giropay grabpay ideal kakao_pay klarna konbini kr_card link mb_way mobilepay multibanco naver_pay nz_bank_account oxxo p24 pay_by_bank payco paynow paypal paypay payto pix promptpay revolut_pay samsung_pay satispay scalapay sepa_debit sequra sofort sunbit swish twint upi us_bank_account wechat_pay zip boku_promptpay capchase_pay card_present check_scan click_to_pay demo_pay duitnow dummy_auth_push dummy_passthrough_card edenred gcash getbalance gift_card gopay id_bank_transfer interac_present knet kr_market kriya momo mondu netbanking ng_bank ng_bank_transfer ng_card ng_market ng_ussd ng_wallet octopus paper_check qris rechnung shop_pay shopeepay south_korea_market stripe_balance tamara test_pay touch_n_go truemoney us_cash_voucher vipps wero',
    ),
  ),
  confirmation_token: S.string(),
  expand: S.expand(),
  mandate_data: S.unsupported,
  payment_method: S.string(),
  payment_method_data: S.unsupported,
  payment_method_options: S.unsupported,
  return_url: S.string(),
  use_stripe_sdk: S.bool(),
} satisfies ParamSchema<Stripe.SetupIntentConfirmParams>;

export const setupIntentCancel = {
  cancellation_reason: S.enum('abandoned', 'duplicate', 'requested_by_customer'),
  expand: S.expand(),
} satisfies ParamSchema<Stripe.SetupIntentCancelParams>;

export const setupIntentSchemas: SchemaTable = {
  'POST /v1/setup_intents': setupIntentCreate,
  'GET /v1/setup_intents': setupIntentList,
  'GET /v1/setup_intents/:id': setupIntentRetrieve,
  'POST /v1/setup_intents/:id': setupIntentUpdate,
  'POST /v1/setup_intents/:id/confirm': setupIntentConfirm,
  'POST /v1/setup_intents/:id/cancel': setupIntentCancel,
};
