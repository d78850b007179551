import type Stripe from 'stripe';
import { ParamSchema, S, SchemaTable } from './schema';

const invoiceCreate = {
  account_tax_ids: S.array(S.string()).orEmpty(),
  application_fee_amount: S.int(),
  auto_advance: S.bool(),
  automatic_tax: S.unsupported,
  automatically_finalizes_at: S.int(),
  collection_method: S.enum('charge_automatically', 'send_invoice'),
  currency: S.currency(),
  custom_fields: S.unsupported,
  customer: S.id(),
  customer_account: S.id(),
  days_until_due: S.int(),
  default_payment_method: S.id(),
  default_source: S.id(),
  default_tax_rates: S.array(S.string()),
  description: S.string(),
  discounts: S.unsupported,
  due_date: S.int(),
  effective_at: S.int(),
  expand: S.expand(),
  footer: S.string(),
  from_invoice: S.unsupported,
  issuer: S.unsupported,
  metadata: S.metadata().orEmpty(),
  number: S.string(),
  on_behalf_of: S.id(),
  payment_settings: S.unsupported,
  pending_invoice_items_behavior: S.enum('exclude', 'include'),
  rendering: S.unsupported,
  shipping_cost: S.unsupported,
  shipping_details: S.unsupported,
  statement_descriptor: S.string(),
  subscription: S.id(),
  transfer_data: S.unsupported,
} satisfies ParamSchema<Stripe.InvoiceCreateParams>;

const invoiceList = {
  collection_method: S.enum('charge_automatically', 'send_invoice'),
  created: S.range(),
  customer: S.id(),
  customer_account: S.id(),
  due_date: S.range(),
  expand: S.expand(),
  status: S.enum('draft', 'open', 'paid', 'uncollectible', 'void'),
  subscription: S.id(),
  ending_before: S.id(),
  limit: S.int(),
  starting_after: S.id(),
} satisfies ParamSchema<Stripe.InvoiceListParams>;

const invoiceRetrieve = {
  expand: S.expand(),
} satisfies ParamSchema<Stripe.InvoiceRetrieveParams>;

const invoiceUpdate = {
  account_tax_ids: S.array(S.string()).orEmpty(),
  application_fee_amount: S.int(),
  auto_advance: S.bool(),
  automatic_tax: S.unsupported,
  automatically_finalizes_at: S.int(),
  collection_method: S.enum('charge_automatically', 'send_invoice'),
  custom_fields: S.unsupported,
  days_until_due: S.int(),
  default_payment_method: S.id(),
  default_source: S.id(),
  default_tax_rates: S.array(S.string()).orEmpty(),
  description: S.string(),
  discounts: S.unsupported,
  due_date: S.int(),
  effective_at: S.int().orEmpty(),
  expand: S.expand(),
  footer: S.string(),
  issuer: S.unsupported,
  metadata: S.metadata().orEmpty(),
  number: S.string(),
  on_behalf_of: S.id(),
  payment_settings: S.unsupported,
  rendering: S.unsupported,
  shipping_cost: S.unsupported,
  shipping_details: S.unsupported,
  statement_descriptor: S.string(),
  transfer_data: S.unsupported,
} satisfies ParamSchema<Stripe.InvoiceUpdateParams>;

const invoiceDelete = {} satisfies ParamSchema<Stripe.InvoiceDeleteParams>;

const invoiceListLines = {
  expand: S.expand(),
  ending_before: S.id(),
  limit: S.int(),
  starting_after: S.id(),
} satisfies ParamSchema<Stripe.InvoiceListLineItemsParams>;

const invoiceFinalize = {
  auto_advance: S.bool(),
  expand: S.expand(),
} satisfies ParamSchema<Stripe.InvoiceFinalizeInvoiceParams>;

const invoicePay = {
  expand: S.expand(),
  forgive: S.bool(),
  mandate: S.id(),
  off_session: S.bool(),
  paid_out_of_band: S.bool(),
  payment_method: S.id(),
  source: S.id(),
} satisfies ParamSchema<Stripe.InvoicePayParams>;

const invoiceSend = {
  expand: S.expand(),
} satisfies ParamSchema<Stripe.InvoiceSendInvoiceParams>;

const invoiceVoid = {
  expand: S.expand(),
} satisfies ParamSchema<Stripe.InvoiceVoidInvoiceParams>;

const invoiceMarkUncollectible = {
  expand: S.expand(),
} satisfies ParamSchema<Stripe.InvoiceMarkUncollectibleParams>;

const priceDataFields = {
  currency: S.currency(),
  product: S.id(),
  tax_behavior: S.enum('unspecified', 'exclusive', 'inclusive'),
  unit_amount: S.int(),
  unit_amount_decimal: S.decimal(),
} satisfies ParamSchema<Stripe.InvoiceItemCreateParams.PriceData>;

const invoiceItemCreate = {
  amount: S.int(),
  currency: S.currency(),
  customer: S.id(),
  customer_account: S.id(),
  description: S.string(),
  discountable: S.bool(),
  discounts: S.unsupported,
  expand: S.expand(),
  invoice: S.id(),
  metadata: S.metadata().orEmpty(),
  period: S.object<Stripe.InvoiceItemCreateParams.Period>({
    end: S.int(),
    start: S.int(),
  }),
  price_data: S.object<Stripe.InvoiceItemCreateParams.PriceData>(priceDataFields),
  pricing: S.unsupported,
  quantity: S.int(),
  quantity_decimal: S.decimal(),
  subscription: S.id(),
  tax_behavior: S.enum('unspecified', 'exclusive', 'inclusive'),
  tax_code: S.string(),
  tax_rates: S.array(S.string()),
  unit_amount_decimal: S.decimal(),
} satisfies ParamSchema<Stripe.InvoiceItemCreateParams>;

const invoiceItemList = {
  created: S.range(),
  customer: S.id(),
  customer_account: S.id(),
  expand: S.expand(),
  invoice: S.id(),
  pending: S.bool(),
  ending_before: S.id(),
  limit: S.int(),
  starting_after: S.id(),
} satisfies ParamSchema<Stripe.InvoiceItemListParams>;

const invoiceItemRetrieve = {
  expand: S.expand(),
} satisfies ParamSchema<Stripe.InvoiceItemRetrieveParams>;

const invoiceItemUpdate = {
  amount: S.int(),
  description: S.string(),
  discountable: S.bool(),
  discounts: S.unsupported,
  expand: S.expand(),
  invoicing_rules: S.unsupported,
  metadata: S.metadata().orEmpty(),
  period: S.object<Stripe.InvoiceItemUpdateParams.Period>({
    end: S.int(),
    start: S.int(),
  }),
  price_data: S.object<Stripe.InvoiceItemUpdateParams.PriceData>(priceDataFields),
  pricing: S.unsupported,
  quantity: S.int(),
  quantity_decimal: S.decimal(),
  tax_behavior: S.enum('unspecified', 'exclusive', 'inclusive'),
  tax_code: S.string(),
  tax_rates: S.array(S.string()).orEmpty(),
  unit_amount_decimal: S.decimal(),
} satisfies ParamSchema<Stripe.InvoiceItemUpdateParams>;

const invoiceItemDelete = {} satisfies ParamSchema<Stripe.InvoiceItemDeleteParams>;

export const invoiceSchemas: SchemaTable = {
  'POST /v1/invoices': invoiceCreate,
  'GET /v1/invoices': invoiceList,
  'GET /v1/invoices/:id': invoiceRetrieve,
  'POST /v1/invoices/:id': invoiceUpdate,
  'DELETE /v1/invoices/:id': invoiceDelete,
  'GET /v1/invoices/:id/lines': invoiceListLines,
  'POST /v1/invoices/:id/finalize': invoiceFinalize,
  'POST /v1/invoices/:id/pay': invoicePay,
  'POST /v1/invoices/:id/send': invoiceSend,
  'POST /v1/invoices/:id/void': invoiceVoid,
  'POST /v1/invoices/:id/mark_uncollectible': invoiceMarkUncollectible,
  'POST /v1/invoiceitems': invoiceItemCreate,
  'GET /v1/invoiceitems': invoiceItemList,
  'GET /v1/invoiceitems/:id': invoiceItemRetrieve,
  'POST /v1/invoiceitems/:id': invoiceItemUpdate,
  'DELETE /v1/invoiceitems/:id': invoiceItemDelete,
};
