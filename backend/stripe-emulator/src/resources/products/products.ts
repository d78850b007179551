import type Stripe from 'stripe';
import { applyMetadata, bool, previousAttributes, RequestContext, snapshot, str, strArr } from '../../core';
import { invalid } from '../../errors';
import { deleted, listOf, route, Route } from '../../http/router';
import type { ParamObject } from '../../params';
import { State } from '../../state';
import { createProduct } from './create';

function updateProduct(st: State, ctx: RequestContext, product: Stripe.Product, p: ParamObject): Stripe.Product {
  const before = snapshot(product);
  if (p.name !== undefined) {
    const name = str(p, 'name');
    if (!name) throw invalid('You cannot set name to an empty string.', 'name', 'parameter_invalid_empty');
    product.name = name;
  }
  if (p.description !== undefined) product.description = str(p, 'description') || null;
  if (p.active !== undefined) product.active = bool(p, 'active') ?? product.active;
  if (p.default_price !== undefined) {
    const priceId = str(p, 'default_price');
    if (priceId) {
      const price = st.prices.get(priceId, ctx.account, 'default_price');
      if (price.product !== product.id) throw invalid(`The price ${priceId} does not belong to product ${product.id}.`, 'default_price');
    }
    product.default_price = priceId || null;
  }
  product.metadata = applyMetadata(product.metadata, p);
  const prev = previousAttributes(before, product);
  if (Object.keys(prev).length) {
    product.updated = st.core.now();
    st.emit('product.updated', product, { account: ctx.account, ctx, previous: prev });
  }
  return product;
}

export function productRoutes(): Route[] {
  return [
    route('POST', '/v1/products', (r) => createProduct(r.st, r.ctx, r.params)),
    route('GET', '/v1/products', (r) => {
      const active = bool(r.params, 'active');
      const ids = strArr(r.params, 'ids');
      const { active: _a, ids: _i, ...rest } = r.params;
      void _a;
      void _i;
      return listOf(
        r.st.products.list(r.ctx.account, (x) => (active === undefined || x.active === active) && (!ids || ids.includes(x.id))),
        rest,
        '/v1/products',
      );
    }),
    route('GET', '/v1/products/:id', (r) => r.st.products.get(r.path.id, r.ctx.account)),
    route('POST', '/v1/products/:id', (r) => updateProduct(r.st, r.ctx, r.st.products.get(r.path.id, r.ctx.account), r.params)),
    route('DELETE', '/v1/products/:id', (r) => {
      const product = r.st.products.get(r.path.id, r.ctx.account);
      if (r.st.prices.list(r.ctx.account, (x) => x.product === product.id && x.active).length)
        throw invalid('This product cannot be deleted because it has one or more user-created prices.', undefined, 'product_has_prices' as string);
      r.st.products.delete(product.id);
      r.st.emit('product.deleted', product, { account: r.ctx.account, ctx: r.ctx });
      return deleted(product.id, 'product');
    }),
  ];
}
