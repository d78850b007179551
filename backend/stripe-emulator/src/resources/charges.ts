import type Stripe from 'stripe';
import { applyMetadata, previousAttributes, snapshot, str } from '../core';
import { all, crud, eq, Route } from '../http/router';

export function chargeRoutes(): Route[] {
  return [
    ...crud<Stripe.Charge>('/v1/charges', (st) => st.charges, {
      filter: (p) =>
        all(
          eq(p, 'customer', (c: Stripe.Charge) => c.customer),
          eq(p, 'payment_intent', (c) => c.payment_intent),
          eq(p, 'transfer_group', (c) => c.transfer_group),
        ),
      update: (r, c) => {
        const before = snapshot(c);
        c.metadata = applyMetadata(c.metadata, r.params);
        if (r.params.description !== undefined) c.description = str(r.params, 'description') || null;
        r.st.emit('charge.updated', c, { account: r.ctx.account, ctx: r.ctx, previous: previousAttributes(before, c) });
        return c;
      },
    }),
  ];
}
