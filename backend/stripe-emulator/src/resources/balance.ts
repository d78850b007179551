import type Stripe from 'stripe';
import { str } from '../core';
import { all, eq, listOf, route, Route } from '../http/router';

/** The balance and balance transactions as the API shows them (the ledger itself is src/balance.ts). */

export function balanceRoutes(): Route[] {
  return [
    route('GET', '/v1/balance', (r) => r.st.balanceOf(r.ctx.account)),
    route('GET', '/v1/balance_transactions', (r) => {
      const payout = str(r.params, 'payout');
      return listOf(
        r.st.balanceTransactions.list(
          r.ctx.account,
          all(
            eq(r.params, 'type', (b: Stripe.BalanceTransaction) => b.type),
            eq(r.params, 'source', (b) => b.source),
            eq(r.params, 'currency', (b) => b.currency),
            (b) => !payout || b.source === payout,
          ),
        ),
        r.params,
        '/v1/balance_transactions',
      );
    }),
    route('GET', '/v1/balance_transactions/:id', (r) => r.st.balanceTransactions.get(r.path.id, r.ctx.account)),
  ];
}
