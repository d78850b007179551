import type Stripe from 'stripe';
import { applyMetadata, bool, obj, previousAttributes, RequestContext, snapshot, str, strArr } from '../../core';
import { invalid } from '../../errors';
import { eq, listOf, route, Route } from '../../http/router';
import type { ParamObject } from '../../params';
import { State } from '../../state';
import { createPrice } from './create';

function updatePrice(st: State, ctx: RequestContext, price: Stripe.Price, p: ParamObject): Stripe.Price {
  const before = snapshot(price);
  for (const k of Object.keys(p))
    if (!['active', 'metadata', 'nickname', 'lookup_key', 'tax_behavior', 'transfer_lookup_key'].includes(k))
      throw invalid(`Received unknown parameter: ${k}`, k, 'parameter_unknown');
  if (p.active !== undefined) price.active = bool(p, 'active') ?? price.active;
  if (p.nickname !== undefined) price.nickname = str(p, 'nickname') || null;
  if (p.lookup_key !== undefined) price.lookup_key = str(p, 'lookup_key') || null;
  price.metadata = applyMetadata(price.metadata, p);
  const prev = previousAttributes(before, price);
  if (Object.keys(prev).length) st.emit('price.updated', price, { account: ctx.account, ctx, previous: prev });
  return price;
}

export function planOf(price: Stripe.Price): Stripe.Plan {
  return {
    id: price.id,
    object: 'plan',
    active: price.active,
    amount: price.unit_amount,
    amount_decimal: price.unit_amount_decimal,
    billing_scheme: 'per_unit',
    created: price.created,
    currency: price.currency,
    interval: price.recurring!.interval,
    interval_count: price.recurring!.interval_count,
    livemode: false,
    metadata: { ...price.metadata },
    meter: null,
    nickname: price.nickname,
    product: typeof price.product === 'string' ? price.product : price.product.id,
    tiers_mode: null,
    transform_usage: null,
    trial_period_days: null,
    usage_type: 'licensed',
  };
}

export function priceRoutes(): Route[] {
  return [
    route('POST', '/v1/prices', (r) => createPrice(r.st, r.ctx, r.params)),
    route('GET', '/v1/prices', (r) => {
      const p = r.params;
      const active = bool(p, 'active');
      const lookup = strArr(p, 'lookup_keys');
      const rec = obj(p, 'recurring');
      const interval = rec ? str(rec, 'interval') : undefined;
      const match = (x: Stripe.Price) =>
        (active === undefined || x.active === active) &&
        eq<Stripe.Price>(p, 'product', (y) => y.product)(x) &&
        eq<Stripe.Price>(p, 'type', (y) => y.type)(x) &&
        eq<Stripe.Price>(p, 'currency', (y) => y.currency)(x) &&
        (!lookup || (x.lookup_key !== null && lookup.includes(x.lookup_key))) &&
        (!interval || x.recurring?.interval === interval);
      const rest: ParamObject = { ...p };
      for (const k of ['active', 'lookup_keys', 'recurring', 'product', 'type', 'currency']) delete rest[k];
      return listOf(r.st.prices.list(r.ctx.account, match), rest, '/v1/prices');
    }),
    route('GET', '/v1/prices/:id', (r) => r.st.prices.get(r.path.id, r.ctx.account)),
    route('POST', '/v1/prices/:id', (r) => updatePrice(r.st, r.ctx, r.st.prices.get(r.path.id, r.ctx.account), r.params)),
  ];
}
