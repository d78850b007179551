import type Stripe from 'stripe';
import { ParamSchema, S, SchemaTable } from './schema';

const productCreate = {
  name: S.string().required(),
  active: S.bool(),
  default_price_data: S.object<Stripe.ProductCreateParams.DefaultPriceData>({
    currency: S.currency(),
    currency_options: S.unsupported,
    custom_unit_amount: S.unsupported,
    metadata: S.metadata(),
    recurring: S.object<Stripe.ProductCreateParams.DefaultPriceData.Recurring>({
      interval: S.enum('day', 'month', 'week', 'year'),
      interval_count: S.int(),
    }),
    tax_behavior: S.enum('unspecified', 'exclusive', 'inclusive'),
    unit_amount: S.int(),
    unit_amount_decimal: S.decimal(),
  }),
  description: S.string(),
  expand: S.expand(),
  id: S.string(),
  images: S.array(S.string()),
  marketing_features: S.unsupported,
  metadata: S.metadata(),
  package_dimensions: S.unsupported,
  shippable: S.bool(),
  statement_descriptor: S.string(),
  tax_code: S.string(),
  tax_details: S.unsupported,
  type: S.enum('good', 'service'),
  unit_label: S.string(),
  url: S.string(),
} satisfies ParamSchema<Stripe.ProductCreateParams>;

const productList = {
  active: S.bool(),
  created: S.range(),
  expand: S.expand(),
  ids: S.array(S.string()),
  shippable: S.bool(),
  type: S.enum('good', 'service'),
  url: S.string(),
  ending_before: S.id(),
  limit: S.int(),
  starting_after: S.id(),
} satisfies ParamSchema<Stripe.ProductListParams>;

const productRetrieve = {
  expand: S.expand(),
} satisfies ParamSchema<Stripe.ProductRetrieveParams>;

const productUpdate = {
  active: S.bool(),
  default_price: S.string(),
  description: S.string(),
  expand: S.expand(),
  images: S.array(S.string()).orEmpty(),
  marketing_features: S.unsupported,
  metadata: S.metadata().orEmpty(),
  name: S.string(),
  package_dimensions: S.unsupported,
  shippable: S.bool(),
  statement_descriptor: S.string(),
  tax_code: S.string(),
  tax_details: S.unsupported,
  unit_label: S.string(),
  url: S.string(),
} satisfies ParamSchema<Stripe.ProductUpdateParams>;

const productDelete = {} satisfies ParamSchema<Stripe.ProductDeleteParams>;

const priceCreate = {
  currency: S.currency().required(),
  active: S.bool(),
  billing_scheme: S.enum('per_unit', 'tiered'),
  currency_options: S.unsupported,
  custom_unit_amount: S.unsupported,
  expand: S.expand(),
  lookup_key: S.string(),
  metadata: S.metadata(),
  nickname: S.string(),
  product: S.id(),
  product_data: S.object<Stripe.PriceCreateParams.ProductData>({
    active: S.bool(),
    id: S.string(),
    metadata: S.metadata(),
    name: S.string(),
    statement_descriptor: S.string(),
    tax_code: S.string(),
    tax_details: S.unsupported,
    unit_label: S.string(),
  }),
  recurring: S.object<Stripe.PriceCreateParams.Recurring>({
    interval: S.enum('day', 'month', 'week', 'year'),
    interval_count: S.int(),
    meter: S.string(),
    trial_period_days: S.int(),
    usage_type: S.enum('licensed', 'metered'),
  }),
  tax_behavior: S.enum('unspecified', 'exclusive', 'inclusive'),
  tiers: S.unsupported,
  tiers_mode: S.enum('graduated', 'volume'),
  transfer_lookup_key: S.bool(),
  transform_quantity: S.unsupported,
  unit_amount: S.int(),
  unit_amount_decimal: S.decimal(),
} satisfies ParamSchema<Stripe.PriceCreateParams>;

const priceList = {
  active: S.bool(),
  created: S.range(),
  currency: S.currency(),
  expand: S.expand(),
  lookup_keys: S.array(S.string()),
  product: S.id(),
  recurring: S.object<Stripe.PriceListParams.Recurring>({
    interval: S.enum('day', 'month', 'week', 'year'),
    meter: S.string(),
    usage_type: S.enum('licensed', 'metered'),
  }),
  type: S.enum('recurring', 'one_time'),
  ending_before: S.id(),
  limit: S.int(),
  starting_after: S.id(),
} satisfies ParamSchema<Stripe.PriceListParams>;

const priceRetrieve = {
  expand: S.expand(),
} satisfies ParamSchema<Stripe.PriceRetrieveParams>;

const priceUpdate = {
  active: S.bool(),
  currency_options: S.unsupported,
  expand: S.expand(),
  lookup_key: S.string(),
  metadata: S.metadata().orEmpty(),
  nickname: S.string(),
  tax_behavior: S.enum('unspecified', 'exclusive', 'inclusive'),
  transfer_lookup_key: S.bool(),
} satisfies ParamSchema<Stripe.PriceUpdateParams>;

export const productSchemas: SchemaTable = {
  'POST /v1/products': productCreate,
  'GET /v1/products': productList,
  'GET /v1/products/:id': productRetrieve,
  'POST /v1/products/:id': productUpdate,
  'DELETE /v1/products/:id': productDelete,
  'POST /v1/prices': priceCreate,
  'GET /v1/prices': priceList,
  'GET /v1/prices/:id': priceRetrieve,
  'POST /v1/prices/:id': priceUpdate,
};
