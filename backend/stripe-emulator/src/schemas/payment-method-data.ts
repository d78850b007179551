import type Stripe from 'stripe';
import { ParamSchema, S, type Spec } from './schema';

/**
 * What payment intents, setup intents and payment methods share: the payment method types, an address, billing
 * details and `payment_method_data` (whose payment-method-specific sub-objects the emulator does not implement).
 * Each user still types them against its own SDK Params type (`S.object<Stripe.XParams...>(...)`), so a difference
 * between those types fails to compile where it matters.
 */

export const ALLOWED_PAYMENT_METHOD_TYPE = S.words(
  'acss_debit affirm afterpay_clearpay alipay alma amazon_pay au_becs_debit bacs_debit bancontact billie bizum blik boleto card cashapp crypto customer_balance eps fpx giropay grabpay ideal kakao_pay klarna konbini kr_card link mb_way mobilepay multibanco naver_pay nz_bank_account oxxo p24 pay_by_bank payco paynow paypal paypay payto pix promptpay revolut_pay samsung_pay satispay scalapay sepa_debit sequra sofort sunbit swish twint upi us_bank_account wechat_pay zip boku_promptpay capchase_pay card_present check_scan click_to_pay demo_pay duitnow dummy_auth_push dummy_passthrough_card edenred gcash getbalance gift_card gopay id_bank_transfer interac_present knet kr_market kriya momo mondu netbanking ng_bank ng_bank_transfer ng_card ng_market ng_ussd ng_wallet octopus paper_check qris rechnung shop_pay shopeepay south_korea_market stripe_balance tamara test_pay touch_n_go truemoney us_cash_voucher vipps wero',
);

/**
 * `payment_method_types`: gone from the SDK's types at this API version (`allowed_payment_method_types` replaced it),
 * still accepted by Stripe for the API versions accounts are pinned to, and sent by the Stripe CLI's `stripe trigger`
 * fixtures. Checked like the SDK's list (known payment method types only).
 */
export const LEGACY_PAYMENT_METHOD_TYPES = S.array(ALLOWED_PAYMENT_METHOD_TYPE);
export const EXCLUDABLE_PAYMENT_METHOD_TYPE = S.words(
  'acss_debit affirm afterpay_clearpay alipay alma amazon_pay au_becs_debit bacs_debit bancontact billie bizum blik boleto card cashapp crypto customer_balance eps fpx giropay grabpay ideal kakao_pay klarna konbini kr_card mb_way mobilepay multibanco naver_pay nz_bank_account oxxo p24 pay_by_bank payco paynow paypal paypay payto pix promptpay revolut_pay samsung_pay satispay scalapay sepa_debit sequra sofort sunbit swish twint upi us_bank_account wechat_pay zip',
);
export const PAYMENT_METHOD_DATA_TYPE = S.words(
  'acss_debit affirm afterpay_clearpay alipay alma amazon_pay au_becs_debit bacs_debit bancontact billie bizum blik boleto cashapp crypto customer_balance eps fpx giropay grabpay ideal kakao_pay klarna konbini kr_card link mb_way mobilepay multibanco naver_pay nz_bank_account oxxo p24 pay_by_bank payco paynow paypal paypay payto pix promptpay revolut_pay samsung_pay satispay scalapay sepa_debit sequra sofort sunbit swish twint upi us_bank_account wechat_pay zip',
);

// explicit types: the inferred ones name SDK types the declaration build (TS2883) cannot reference
export const address: Spec<Stripe.AddressParam> = S.object<Stripe.AddressParam>({
  city: S.string(),
  country: S.string(),
  line1: S.string(),
  line2: S.string(),
  postal_code: S.string(),
  state: S.string(),
});

export const billingDetails: ParamSchema<Stripe.PaymentMethodCreateParams.BillingDetails> = {
  address: address.orEmpty(),
  email: S.string(),
  name: S.string(),
  phone: S.string(),
  tax_id: S.string(),
};

/** The payment-method-specific details Stripe accepts and the emulator refuses as unsupported (cards only here). */
export const unsupportedMethodDetails = {
  acss_debit: S.unsupported,
  affirm: S.unsupported,
  afterpay_clearpay: S.unsupported,
  alipay: S.unsupported,
  alma: S.unsupported,
  amazon_pay: S.unsupported,
  au_becs_debit: S.unsupported,
  bacs_debit: S.unsupported,
  bancontact: S.unsupported,
  billie: S.unsupported,
  bizum: S.unsupported,
  blik: S.unsupported,
  boleto: S.unsupported,
  cashapp: S.unsupported,
  crypto: S.unsupported,
  customer_balance: S.unsupported,
  eps: S.unsupported,
  fpx: S.unsupported,
  giropay: S.unsupported,
  grabpay: S.unsupported,
  ideal: S.unsupported,
  interac_present: S.unsupported,
  kakao_pay: S.unsupported,
  klarna: S.unsupported,
  konbini: S.unsupported,
  kr_card: S.unsupported,
  link: S.unsupported,
  mb_way: S.unsupported,
  mobilepay: S.unsupported,
  multibanco: S.unsupported,
  naver_pay: S.unsupported,
  nz_bank_account: S.unsupported,
  oxxo: S.unsupported,
  p24: S.unsupported,
  pay_by_bank: S.unsupported,
  payco: S.unsupported,
  paynow: S.unsupported,
  paypal: S.unsupported,
  paypay: S.unsupported,
  payto: S.unsupported,
  pix: S.unsupported,
  promptpay: S.unsupported,
  radar_options: S.unsupported,
  revolut_pay: S.unsupported,
  samsung_pay: S.unsupported,
  satispay: S.unsupported,
  scalapay: S.unsupported,
  sepa_debit: S.unsupported,
  sequra: S.unsupported,
  sofort: S.unsupported,
  sunbit: S.unsupported,
  swish: S.unsupported,
  twint: S.unsupported,
  upi: S.unsupported,
  us_bank_account: S.unsupported,
  wechat_pay: S.unsupported,
  zip: S.unsupported,
};

export const paymentMethodData: ParamSchema<Stripe.PaymentIntentCreateParams.PaymentMethodData> = {
  ...unsupportedMethodDetails,
  allow_redisplay: S.enum('always', 'limited', 'unspecified'),
  billing_details: S.object<Stripe.PaymentIntentCreateParams.PaymentMethodData.BillingDetails>(billingDetails),
  metadata: S.metadata(),
  type: PAYMENT_METHOD_DATA_TYPE,
};
