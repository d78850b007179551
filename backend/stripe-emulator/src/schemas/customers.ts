import type Stripe from 'stripe';
import { ParamSchema, S, SchemaTable } from './schema';

const PAYMENT_METHOD_TYPE = S.words(
  'acss_debit affirm afterpay_clearpay alipay alma amazon_pay au_becs_debit bacs_debit bancontact billie bizum blik boleto card cashapp crypto custom customer_balance eps fpx giropay grabpay ideal kakao_pay klarna konbini kr_card link mb_way mobilepay multibanco naver_pay nz_bank_account oxxo p24 pay_by_bank payco paynow paypal paypay payto pix promptpay revolut_pay samsung_pay satispay scalapay sepa_debit sequra sofort sunbit swish twint upi us_bank_account wechat_pay zip',
);

const addressFields = {
  city: S.string(),
  country: S.string(),
  line1: S.string(),
  line2: S.string(),
  postal_code: S.string(),
  state: S.string(),
} satisfies ParamSchema<Stripe.AddressParam>;

const invoiceSettingsFields = {
  custom_fields: S.unsupported,
  default_payment_method: S.id(),
  footer: S.string(),
  rendering_options: S.unsupported,
} satisfies ParamSchema<Stripe.CustomerCreateParams.InvoiceSettings>;

const customerCreate = {
  address: S.object<Stripe.AddressParam>(addressFields).orEmpty(),
  balance: S.int(),
  business_name: S.string(),
  cash_balance: S.unsupported,
  description: S.string(),
  email: S.string(),
  expand: S.expand(),
  individual_name: S.string(),
  invoice_prefix: S.string(),
  invoice_settings: S.object<Stripe.CustomerCreateParams.InvoiceSettings>(invoiceSettingsFields),
  metadata: S.metadata().orEmpty(),
  name: S.string(),
  next_invoice_sequence: S.int(),
  payment_method: S.id(),
  phone: S.string(),
  preferred_locales: S.array(S.string()),
  shipping: S.unsupported,
  source: S.id(),
  tax: S.unsupported,
  tax_exempt: S.enum('exempt', 'none', 'reverse').orEmpty(),
  tax_id_data: S.unsupported,
  test_clock: S.id(),
  validate: S.bool(),
} satisfies ParamSchema<Stripe.CustomerCreateParams>;

const customerList = {
  created: S.range(),
  email: S.string(),
  expand: S.expand(),
  test_clock: S.id(),
  ending_before: S.id(),
  limit: S.int(),
  starting_after: S.id(),
} satisfies ParamSchema<Stripe.CustomerListParams>;

const customerRetrieve = {
  expand: S.expand(),
} satisfies ParamSchema<Stripe.CustomerRetrieveParams>;

const customerUpdate = {
  address: S.object<Stripe.AddressParam>(addressFields).orEmpty(),
  balance: S.int(),
  business_name: S.string(),
  cash_balance: S.unsupported,
  default_source: S.id(),
  description: S.string(),
  email: S.string(),
  expand: S.expand(),
  individual_name: S.string(),
  invoice_prefix: S.string(),
  invoice_settings: S.object<Stripe.CustomerUpdateParams.InvoiceSettings>(invoiceSettingsFields),
  metadata: S.metadata().orEmpty(),
  name: S.string(),
  next_invoice_sequence: S.int(),
  phone: S.string(),
  preferred_locales: S.array(S.string()),
  shipping: S.unsupported,
  source: S.id(),
  tax: S.unsupported,
  tax_exempt: S.enum('exempt', 'none', 'reverse').orEmpty(),
  validate: S.bool(),
} satisfies ParamSchema<Stripe.CustomerUpdateParams>;

const customerDelete = {} satisfies ParamSchema<Stripe.CustomerDeleteParams>;

const customerListPaymentMethods = {
  allow_redisplay: S.enum('always', 'limited', 'unspecified'),
  expand: S.expand(),
  type: PAYMENT_METHOD_TYPE,
  ending_before: S.id(),
  limit: S.int(),
  starting_after: S.id(),
} satisfies ParamSchema<Stripe.CustomerListPaymentMethodsParams>;

export const customerSchemas: SchemaTable = {
  'POST /v1/customers': customerCreate,
  'GET /v1/customers': customerList,
  'GET /v1/customers/:id': customerRetrieve,
  'POST /v1/customers/:id': customerUpdate,
  'DELETE /v1/customers/:id': customerDelete,
  'GET /v1/customers/:id/payment_methods': customerListPaymentMethods,
};
