import type Stripe from 'stripe';
import { billingDetails, unsupportedMethodDetails } from './payment-method-data';
import { ParamSchema, S, SchemaTable } from './schema';

const PAYMENT_METHOD_TYPE = S.words(
  'acss_debit affirm afterpay_clearpay alipay alma amazon_pay au_becs_debit bacs_debit bancontact billie bizum blik boleto card cashapp crypto custom customer_balance eps fpx giropay grabpay ideal kakao_pay klarna konbini kr_card link mb_way mobilepay multibanco naver_pay nz_bank_account oxxo p24 pay_by_bank payco paynow paypal paypay payto pix promptpay revolut_pay samsung_pay satispay scalapay sepa_debit sequra sofort sunbit swish twint upi us_bank_account wechat_pay zip',
);

const paymentMethodCreate = {
  ...unsupportedMethodDetails,
  allow_redisplay: S.enum('always', 'limited', 'unspecified'),
  billing_details: S.object<Stripe.PaymentMethodCreateParams.BillingDetails>(billingDetails),
  card: S.object<Stripe.PaymentMethodCreateParams.Card>({
    cvc: S.string(),
    exp_month: S.int(),
    exp_year: S.int(),
    networks: S.unsupported,
    number: S.string(),
    token: S.string(),
  }),
  custom: S.unsupported,
  customer: S.id(),
  expand: S.expand(),
  metadata: S.metadata(),
  payment_method: S.id(),
  type: PAYMENT_METHOD_TYPE,
  us_bank_account: S.object<Stripe.PaymentMethodCreateParams.UsBankAccount>({
    account_holder_type: S.enum('company', 'individual'),
    account_number: S.string(),
    account_type: S.enum('checking', 'savings'),
    financial_connections_account: S.string(),
    routing_number: S.string(),
  }),
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
  billing_details: S.object<Stripe.PaymentMethodUpdateParams.BillingDetails>(billingDetails),
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
