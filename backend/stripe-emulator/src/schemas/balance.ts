import type Stripe from 'stripe';
import { ParamSchema, S, SchemaTable } from './schema';

const balanceRetrieve = {
  expand: S.expand(),
} satisfies ParamSchema<Stripe.BalanceRetrieveParams>;

const balanceTransactionList = {
  created: S.range(),
  currency: S.currency(),
  expand: S.expand(),
  payout: S.id(),
  source: S.id(),
  type: S.string(),
  ending_before: S.id(),
  limit: S.int(),
  starting_after: S.id(),
} satisfies ParamSchema<Stripe.BalanceTransactionListParams>;

const balanceTransactionRetrieve = {
  expand: S.expand(),
} satisfies ParamSchema<Stripe.BalanceTransactionRetrieveParams>;

export const balanceSchemas: SchemaTable = {
  'GET /v1/balance': balanceRetrieve,
  'GET /v1/balance_transactions': balanceTransactionList,
  'GET /v1/balance_transactions/:id': balanceTransactionRetrieve,
};
