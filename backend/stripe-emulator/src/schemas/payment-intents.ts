import type Stripe from 'stripe';
import { ParamSchema, S, SchemaTable } from './schema';

export const paymentIntentCreate = {
  amount: S.int(),
  currency: S.currency(),
  allowed_payment_method_types: S.array(
    S.words(
      'acss_debit affirm afterpay_clearpay alipay alma amazon_pay au_becs_debit bacs_debit bancontact billie bizum blik boleto card cashapp crypto customer_balance eps fpx giropay grabpay ideal kakao_pay klarna konbini kr_card link mb_way mobilepay multibanco naver_pay nz_bank_account oxxo p24 pay_by_bank payco paynow paypal paypay payto pix promptpay revolut_pay samsung_pay satispay scalapay sepa_debit sequra sofort sunbit swish twint upi us_bank_account wechat_pay zip boku_promptpay capchase_pay card_present check_scan click_to_pay demo_pay duitnow dummy_auth_push dummy_passthrough_card edenred gcash getbalance gift_card gopay id_bank_transfer interac_present knet kr_market kriya momo mondu netbanking ng_bank ng_bank_transfer ng_card ng_market ng_ussd ng_wallet octopus paper_check qris rechnung shop_pay shopeepay south_korea_market stripe_balance tamara test_pay touch_n_go truemoney us_cash_voucher vipps wero',
    ),
  ),
  amount_details: S.unsupported,
  application_fee_amount: S.int(),
  automatic_payment_methods: S.object<Stripe.PaymentIntentCreateParams.AutomaticPaymentMethods>({
    allow_redirects: S.enum('always', 'never'),
    enabled: S.bool(),
  }),
  capture_method: S.enum('automatic', 'automatic_async', 'manual'),
  confirm: S.bool(),
  confirmation_method: S.enum('automatic', 'manual'),
  confirmation_token: S.string(),
  customer: S.string(),
  customer_account: S.string(),
  description: S.string(),
  error_on_requires_action: S.bool(),
  excluded_payment_method_types: S.array(
    S.words(
      'acss_debit affirm afterpay_clearpay alipay alma amazon_pay au_becs_debit bacs_debit bancontact billie bizum blik boleto card cashapp crypto customer_balance eps fpx giropay grabpay ideal kakao_pay klarna konbini kr_card mb_way mobilepay multibanco naver_pay nz_bank_account oxxo p24 pay_by_bank payco paynow paypal paypay payto pix promptpay revolut_pay samsung_pay satispay scalapay sepa_debit sequra sofort sunbit swish twint upi us_bank_account wechat_pay zip',
    ),
  ),
  expand: S.expand(),
  hooks: S.unsupported,
  mandate: S.string(),
  mandate_data: S.unsupported,
  metadata: S.metadata(),
  off_session: S.oneOf(S.enum('one_off', 'recurring'), S.bool()),
  on_behalf_of: S.string(),
  payment_details: S.unsupported,
  payment_method: S.string(),
  payment_method_configuration: S.string(),
  payment_method_data: S.unsupported,
  payment_method_options: S.unsupported,
  radar_options: S.unsupported,
  receipt_email: S.string(),
  return_url: S.string(),
  setup_future_usage: S.enum('off_session', 'on_session'),
  shipping: S.unsupported,
  statement_descriptor: S.string(),
  statement_descriptor_suffix: S.string(),
  transfer_data: S.object<Stripe.PaymentIntentCreateParams.TransferData>({
    amount: S.int(),
    description: S.string(),
    destination: S.string(),
    metadata: S.metadata().orEmpty(),
    payment_data: S.unsupported,
  }),
  transfer_group: S.string(),
  use_stripe_sdk: S.bool(),
} satisfies ParamSchema<Stripe.PaymentIntentCreateParams>;

export const paymentIntentList = {
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
  ending_before: S.string(),
  limit: S.int(),
  starting_after: S.string(),
} satisfies ParamSchema<Stripe.PaymentIntentListParams>;

export const paymentIntentRetrieve = {
  client_secret: S.string(),
  expand: S.expand(),
} satisfies ParamSchema<Stripe.PaymentIntentRetrieveParams>;

export const paymentIntentUpdate = {
  allowed_payment_method_types: S.array(
    S.words(
      'acss_debit affirm afterpay_clearpay alipay alma amazon_pay au_becs_debit bacs_debit bancontact billie bizum blik boleto card cashapp crypto customer_balance eps fpx giropay grabpay ideal kakao_pay klarna konbini kr_card link mb_way mobilepay multibanco naver_pay nz_bank_account oxxo p24 pay_by_bank payco paynow paypal paypay payto pix promptpay revolut_pay samsung_pay satispay scalapay sepa_debit sequra sofort sunbit swish twint upi us_bank_account wechat_pay zip boku_promptpay capchase_pay card_present check_scan click_to_pay demo_pay duitnow dummy_auth_push dummy_passthrough_card edenred gcash getbalance gift_card gopay id_bank_transfer interac_present knet kr_market kriya momo mondu netbanking ng_bank ng_bank_transfer ng_card ng_market ng_ussd ng_wallet octopus paper_check qris rechnung shop_pay shopeepay south_korea_market stripe_balance tamara test_pay touch_n_go truemoney us_cash_voucher vipps wero',
    ),
  ),
  amount: S.int(),
  amount_details: S.unsupported,
  application_fee_amount: S.int().orEmpty(),
  capture_method: S.enum('automatic', 'automatic_async', 'manual'),
  currency: S.currency(),
  customer: S.string(),
  customer_account: S.string(),
  description: S.string(),
  excluded_payment_method_types: S.array(
    S.words(
      'acss_debit affirm afterpay_clearpay alipay alma amazon_pay au_becs_debit bacs_debit bancontact billie bizum blik boleto card cashapp crypto customer_balance eps fpx giropay grabpay ideal kakao_pay klarna konbini kr_card mb_way mobilepay multibanco naver_pay nz_bank_account oxxo p24 pay_by_bank payco paynow paypal paypay payto pix promptpay revolut_pay samsung_pay satispay scalapay sepa_debit sequra sofort sunbit swish twint upi us_bank_account wechat_pay zip',
    ),
  ).orEmpty(),
  expand: S.expand(),
  hooks: S.unsupported,
  metadata: S.metadata().orEmpty(),
  payment_details: S.unsupported,
  payment_method: S.string(),
  payment_method_configuration: S.string(),
  payment_method_data: S.unsupported,
  payment_method_options: S.unsupported,
  receipt_email: S.string(),
  setup_future_usage: S.enum('off_session', 'on_session').orEmpty(),
  shipping: S.unsupported,
  statement_descriptor: S.string(),
  statement_descriptor_suffix: S.string(),
  transfer_data: S.object<Stripe.PaymentIntentUpdateParams.TransferData>({
    amount: S.int(),
    description: S.string(),
    metadata: S.metadata().orEmpty(),
    payment_data: S.unsupported,
  }),
  transfer_group: S.string(),
} satisfies ParamSchema<Stripe.PaymentIntentUpdateParams>;

export const paymentIntentConfirm = {
  allowed_payment_method_types: S.array(
    S.words(
      'acss_debit affirm afterpay_clearpay alipay alma amazon_pay au_becs_debit bacs_debit bancontact billie bizum blik boleto card cashapp crypto customer_balance eps fpx giropay grabpay ideal kakao_pay klarna konbini kr_card link mb_way mobilepay multibanco naver_pay nz_bank_account oxxo p24 pay_by_bank payco paynow paypal paypay payto pix promptpay revolut_pay samsung_pay satispay scalapay sepa_debit sequra sofort sunbit swish twint upi us_bank_account wechat_pay zip boku_promptpay capchase_pay card_present check_scan click_to_pay demo_pay duitnow dummy_auth_push dummy_passthrough_card edenred gcash getbalance gift_card gopay id_bank_transfer interac_present knet kr_market kriya momo mondu netbanking ng_bank ng_bank_transfer ng_card ng_market ng_ussd ng_wallet octopus paper_check qris rechnung shop_pay shopeepay south_korea_market stripe_balance tamara test_pay touch_n_go truemoney us_cash_voucher vipps wero',
    ),
  ),
  amount_details: S.unsupported,
  amount_to_confirm: S.int(),
  capture_method: S.enum('automatic', 'automatic_async', 'manual'),
  confirmation_token: S.string(),
  error_on_requires_action: S.bool(),
  excluded_payment_method_types: S.array(
    S.words(
      'acss_debit affirm afterpay_clearpay alipay alma amazon_pay au_becs_debit bacs_debit bancontact billie bizum blik boleto card cashapp crypto customer_balance eps fpx giropay grabpay ideal kakao_pay klarna konbini kr_card mb_way mobilepay multibanco naver_pay nz_bank_account oxxo p24 pay_by_bank payco paynow paypal paypay payto pix promptpay revolut_pay samsung_pay satispay scalapay sepa_debit sequra sofort sunbit swish twint upi us_bank_account wechat_pay zip',
    ),
  ).orEmpty(),
  expand: S.expand(),
  hooks: S.unsupported,
  mandate: S.string(),
  mandate_data: S.unsupported,
  off_session: S.oneOf(S.enum('one_off', 'recurring'), S.bool()),
  payment_details: S.unsupported,
  payment_method: S.string(),
  payment_method_data: S.unsupported,
  payment_method_options: S.unsupported,
  radar_options: S.unsupported,
  receipt_email: S.string(),
  return_url: S.string(),
  setup_future_usage: S.enum('off_session', 'on_session').orEmpty(),
  shipping: S.unsupported,
  use_stripe_sdk: S.bool(),
} satisfies ParamSchema<Stripe.PaymentIntentConfirmParams>;

export const paymentIntentCancel = {
  cancellation_reason: S.enum('abandoned', 'duplicate', 'fraudulent', 'requested_by_customer'),
  expand: S.expand(),
} satisfies ParamSchema<Stripe.PaymentIntentCancelParams>;

export const paymentIntentCapture = {
  amount_details: S.unsupported,
  amount_to_capture: S.int(),
  application_fee_amount: S.int(),
  expand: S.expand(),
  final_capture: S.bool(),
  hooks: S.unsupported,
  metadata: S.metadata().orEmpty(),
  payment_details: S.unsupported,
  statement_descriptor: S.string(),
  statement_descriptor_suffix: S.string(),
  transfer_data: S.unsupported,
} satisfies ParamSchema<Stripe.PaymentIntentCaptureParams>;

export const paymentIntentSchemas: SchemaTable = {
  'POST /v1/payment_intents': paymentIntentCreate,
  'GET /v1/payment_intents': paymentIntentList,
  'GET /v1/payment_intents/:id': paymentIntentRetrieve,
  'POST /v1/payment_intents/:id': paymentIntentUpdate,
  'POST /v1/payment_intents/:id/confirm': paymentIntentConfirm,
  'POST /v1/payment_intents/:id/cancel': paymentIntentCancel,
  'POST /v1/payment_intents/:id/capture': paymentIntentCapture,
};
