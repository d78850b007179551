import type Stripe from 'stripe';
import { applyMetadata, bool, currency as currencyParam, int, obj, RequestContext, str, strArr } from '../../core';
import { invalid } from '../../errors';
import type { ParamObject } from '../../params';
import { State } from '../../state';
import { dec } from '../invoices/lines';
import { INTERVALS, MAX_COUNT } from '../subscriptions/periods';

/** Creating products and prices: each can create the other inline (`default_price_data`, `product_data`). */

export function createProduct(st: State, ctx: RequestContext, p: ParamObject, prefix = ''): Stripe.Product {
  const name = str(p, 'name');
  if (!name) throw invalid(`Missing required param: ${prefix}name.`, `${prefix}name`, 'parameter_missing');
  const id = str(p, 'id') || st.core.id('prod');
  if (st.products.find(id)) throw invalid('Product already exists.', 'id', 'resource_already_exists');
  const now = st.core.now();
  const product: Stripe.Product = {
    id,
    object: 'product',
    active: bool(p, 'active') ?? true,
    created: now,
    default_price: null,
    description: str(p, 'description') || null,
    images: strArr(p, 'images') ?? [],
    livemode: false,
    marketing_features: [],
    metadata: applyMetadata({}, p),
    name,
    package_dimensions: null,
    shippable: null,
    statement_descriptor: str(p, 'statement_descriptor') ?? null,
    tax_code: str(p, 'tax_code') ?? null,
    tax_details: null,
    type: 'service',
    unit_label: str(p, 'unit_label') ?? null,
    updated: now,
    url: str(p, 'url') ?? null,
  };
  st.products.add(product, ctx.account);
  st.emit('product.created', product, { account: ctx.account, ctx });
  const dpd = obj(p, 'default_price_data');
  if (dpd) {
    const price = createPrice(st, ctx, { ...dpd, product: product.id }, { prefix: 'default_price_data' });
    product.default_price = price.id;
  }
  return product;
}

/**
 * POST /v1/prices, and the inline prices of `items[][price_data]` (`inline`: created inactive, like Stripe's
 * one-off prices, and without `product_data`).
 */
export function createPrice(st: State, ctx: RequestContext, p: ParamObject, opts: { prefix?: string; inline?: boolean } = {}): Stripe.Price {
  const at = (k: string) => (opts.prefix ? `${opts.prefix}[${k}]` : k);
  const cur = str(p, 'currency');
  if (!cur) throw invalid(`Missing required param: ${at('currency')}.`, at('currency'), 'parameter_missing');
  const currency = currencyParam(p);
  let productId = str(p, 'product');
  const productData = obj(p, 'product_data');
  if (productId && productData) throw invalid(`You may only specify one of these parameters: ${at('product')}, ${at('product_data')}.`, at('product'));
  if (!productId && productData && !opts.inline) productId = createProduct(st, ctx, productData, `${at('product_data')}[`).id;
  if (!productId) throw invalid(`Missing required param: ${at('product')}.`, at('product'), 'parameter_missing');
  const product = st.products.get(productId, ctx.account, at('product'));
  if (!product.active && !opts.inline)
    throw invalid(`The product ${product.id} is inactive; a price cannot be created for it.`, at('product'), 'product_inactive');
  const unit = int(p, 'unit_amount');
  const unitDecimal = str(p, 'unit_amount_decimal');
  if (unit !== undefined && unitDecimal !== undefined)
    throw invalid(`You may only specify one of these parameters: ${at('unit_amount')}, ${at('unit_amount_decimal')}.`, at('unit_amount'));
  const amount = unit ?? (unitDecimal !== undefined && unitDecimal !== '' ? Number(unitDecimal) : undefined);
  if (amount === undefined || !Number.isFinite(amount)) throw invalid(`Missing required param: ${at('unit_amount')}.`, at('unit_amount'), 'parameter_missing');
  if (amount < 0) throw invalid('This value must be greater than or equal to 0.', at('unit_amount'), 'parameter_invalid_integer');
  const rec = obj(p, 'recurring');
  let recurring: Stripe.Price.Recurring | null = null;
  if (rec) {
    const interval = str(rec, 'interval');
    if (!interval) throw invalid(`Missing required param: ${at('recurring')}[interval].`, `${at('recurring')}[interval]`, 'parameter_missing');
    if (!INTERVALS.includes(interval))
      throw invalid(`Invalid ${at('recurring')}[interval]: must be one of day, month, week, or year`, `${at('recurring')}[interval]`);
    const count = int(rec, 'interval_count') ?? 1;
    if (count < 1 || count > MAX_COUNT[interval])
      throw invalid('Invalid interval: must be at most three years (3 years, 36 months, or 156 weeks).', `${at('recurring')}[interval_count]`);
    recurring = { interval: interval as Stripe.Price.Recurring.Interval, interval_count: count, meter: null, trial_period_days: null, usage_type: 'licensed' };
  } else if (opts.inline) {
    throw invalid(`Missing required param: ${at('recurring')}.`, at('recurring'), 'parameter_missing');
  }
  const price: Stripe.Price = {
    id: st.core.id('price'),
    object: 'price',
    active: opts.inline ? false : (bool(p, 'active') ?? true),
    billing_scheme: 'per_unit',
    created: st.core.now(),
    currency,
    custom_unit_amount: null,
    livemode: false,
    lookup_key: str(p, 'lookup_key') || null,
    metadata: applyMetadata({}, p),
    nickname: str(p, 'nickname') || null,
    product: product.id,
    recurring,
    tax_behavior: (str(p, 'tax_behavior') as Stripe.Price.TaxBehavior | undefined) ?? 'unspecified',
    tiers_mode: null,
    transform_quantity: null,
    type: recurring ? 'recurring' : 'one_time',
    unit_amount: Number.isInteger(amount) ? amount : null,
    unit_amount_decimal: dec(amount),
  };
  st.prices.add(price, ctx.account);
  st.emit('price.created', price, { account: ctx.account, ctx });
  return price;
}
