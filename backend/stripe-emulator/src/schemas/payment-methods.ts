import type Stripe from 'stripe';
import { ParamSchema, S, SchemaTable } from './schema';

const PAYMENT_METHOD_TYPE = S.words(
  'acss_debit affirm afterpay_clearpay alipay alma amazon_pay au_becs_debit bacs_debit bancontact billie bizum blik boleto card cashapp crypto custom customer_balance eps fpx giropay grabpay ideal kakao_pay klarna konbini kr_card link mb_way mobilepay multibanco naver_pay nz_bank_account oxxo p24 pay_by_bank payco paynow paypal paypay payto pix promptpay revolut_pay samsung_pay satispay scalapay sepa_debit sequra sofort sunbit swish twint upi us_bank_account wechat_pay zip',
);

const paymentMethodCreate = {
  acss_debit: S.unsupported,
  affirm: S.unsupported,
  afterpay_clearpay: S.unsupported,
  alipay: S.unsupported,
  allow_redisplay: S.enum('always', 'limited', 'unspecified'),
  alma: S.unsupported,
  amazon_pay: S.unsupported,
  au_becs_debit: S.unsupported,
  bacs_debit: S.unsupported,
  bancontact: S.unsupported,
  billie: S.unsupported,
  billing_details: S.object<Stripe.PaymentMethodCreateParams.BillingDetails>({
    address: S.object<Stripe.AddressParam>({
      city: S.string(),
      country: S.string(),
      line1: S.string(),
      line2: S.string(),
      postal_code: S.string(),
      state: S.string(),
    }).orEmpty(),
    email: S.string(),
    name: S.string(),
    phone: S.string(),
    tax_id: S.string(),
  }),
  bizum: S.unsupported,
  blik: S.unsupported,
  boleto: S.unsupported,
  card: S.object<Stripe.PaymentMethodCreateParams.Card>({
    cvc: S.string(),
    exp_month: S.int(),
    exp_year: S.int(),
    networks: S.unsupported,
    number: S.string(),
    token: S.string(),
  }),
  cashapp: S.unsupported,
  crypto: S.unsupported,
  custom: S.unsupported,
  customer: S.id(),
  customer_balance: S.unsupported,
  eps: S.unsupported,
  expand: S.expand(),
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
  metadata: S.metadata(),
  mobilepay: S.unsupported,
  multibanco: S.unsupported,
  naver_pay: S.unsupported,
  nz_bank_account: S.unsupported,
  oxxo: S.unsupported,
  p24: S.unsupported,
  pay_by_bank: S.unsupported,
  payco: S.unsupported,
  payment_method: S.id(),
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
  type: PAYMENT_METHOD_TYPE,
  upi: S.unsupported,
  us_bank_account: S.object<Stripe.PaymentMethodCreateParams.UsBankAccount>({
    account_holder_type: S.enum('company', 'individual'),
    account_number: S.string(),
    account_type: S.enum('checking', 'savings'),
    financial_connections_account: S.string(),
    routing_number: S.string(),
  }),
  wechat_pay: S.unsupported,
  zip: S.unsupported,
} satisfies ParamSchema<Stripe.PaymentMethodCreateParams>;

const paymentMethodList = {
  allow_redisplay: S.enum('always', 'limited', 'unspecified'),
  customer: S.id(),
  customer_account: S.id(),
  expand: S.expand(),
  type: PAYMENT_METHOD_TYPE,
  ending_before: S.id(),
  limit: S.int(),
  starting_after: S.id(),
} satisfies ParamSchema<Stripe.PaymentMethodListParams>;

const paymentMethodRetrieve = {
  expand: S.expand(),
} satisfies ParamSchema<Stripe.PaymentMethodRetrieveParams>;

const paymentMethodUpdate = {
  allow_redisplay: S.enum('always', 'limited', 'unspecified'),
  billing_details: S.object<Stripe.PaymentMethodUpdateParams.BillingDetails>({
    address: S.object<Stripe.AddressParam>({
      city: S.string(),
      country: S.string(),
      line1: S.string(),
      line2: S.string(),
      postal_code: S.string(),
      state: S.string(),
    }).orEmpty(),
    email: S.string(),
    name: S.string(),
    phone: S.string(),
    tax_id: S.string(),
  }),
  card: S.unsupported,
  expand: S.expand(),
  metadata: S.metadata().orEmpty(),
  us_bank_account: S.unsupported,
} satisfies ParamSchema<Stripe.PaymentMethodUpdateParams>;

const paymentMethodAttach = {
  customer: S.id().required(),
  customer_account: S.id(),
  expand: S.expand(),
} satisfies ParamSchema<Stripe.PaymentMethodAttachParams>;

const paymentMethodDetach = {
  expand: S.expand(),
} satisfies ParamSchema<Stripe.PaymentMethodDetachParams>;

export const paymentMethodSchemas: SchemaTable = {
  'POST /v1/payment_methods': paymentMethodCreate,
  'GET /v1/payment_methods': paymentMethodList,
  'GET /v1/payment_methods/:id': paymentMethodRetrieve,
  'POST /v1/payment_methods/:id': paymentMethodUpdate,
  'POST /v1/payment_methods/:id/attach': paymentMethodAttach,
  'POST /v1/payment_methods/:id/detach': paymentMethodDetach,
};
