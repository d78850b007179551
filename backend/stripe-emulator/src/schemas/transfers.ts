import type Stripe from 'stripe';
import { ParamSchema, S, SchemaTable } from './schema';

const transferCreate = {
  currency: S.currency().required(),
  destination: S.id().required(),
  amount: S.int(),
  description: S.string(),
  expand: S.expand(),
  metadata: S.metadata(),
  source_transaction: S.id(),
  source_type: S.enum('card', 'fpx', 'bank_account'),
  transfer_group: S.string(),
} satisfies ParamSchema<Stripe.TransferCreateParams>;

const transferList = {
  created: S.range(),
  destination: S.id(),
  expand: S.expand(),
  transfer_group: S.string(),
  ending_before: S.id(),
  limit: S.int(),
  starting_after: S.id(),
} satisfies ParamSchema<Stripe.TransferListParams>;

const transferRetrieve = {
  expand: S.expand(),
} satisfies ParamSchema<Stripe.TransferRetrieveParams>;

const transferUpdate = {
  description: S.string(),
  expand: S.expand(),
  metadata: S.metadata().orEmpty(),
} satisfies ParamSchema<Stripe.TransferUpdateParams>;

const reversalCreate = {
  amount: S.int(),
  description: S.string(),
  expand: S.expand(),
  metadata: S.metadata().orEmpty(),
  refund_application_fee: S.bool(),
} satisfies ParamSchema<Stripe.TransferCreateReversalParams>;

const reversalList = {
  expand: S.expand(),
  ending_before: S.id(),
  limit: S.int(),
  starting_after: S.id(),
} satisfies ParamSchema<Stripe.TransferListReversalsParams>;

const reversalRetrieve = {
  expand: S.expand(),
} satisfies ParamSchema<Stripe.TransferRetrieveReversalParams>;

const payoutCreate = {
  amount: S.int().required(),
  currency: S.currency().required(),
  description: S.string(),
  destination: S.id(),
  expand: S.expand(),
  metadata: S.metadata(),
  method: S.enum('standard', 'instant'),
  payout_method: S.string(),
  source_type: S.enum('card', 'fpx', 'bank_account'),
  statement_descriptor: S.string(),
} satisfies ParamSchema<Stripe.PayoutCreateParams>;

const payoutList = {
  arrival_date: S.range(),
  created: S.range(),
  destination: S.id(),
  expand: S.expand(),
  status: S.string(),
  ending_before: S.id(),
  limit: S.int(),
  starting_after: S.id(),
} satisfies ParamSchema<Stripe.PayoutListParams>;

const payoutRetrieve = {
  expand: S.expand(),
} satisfies ParamSchema<Stripe.PayoutRetrieveParams>;

const payoutUpdate = {
  expand: S.expand(),
  metadata: S.metadata().orEmpty(),
} satisfies ParamSchema<Stripe.PayoutUpdateParams>;

const payoutCancel = {
  expand: S.expand(),
} satisfies ParamSchema<Stripe.PayoutCancelParams>;

export const transferSchemas: SchemaTable = {
  'POST /v1/transfers': transferCreate,
  'GET /v1/transfers': transferList,
  'GET /v1/transfers/:id': transferRetrieve,
  'POST /v1/transfers/:id': transferUpdate,
  'POST /v1/transfers/:id/reversals': reversalCreate,
  'GET /v1/transfers/:id/reversals': reversalList,
  'GET /v1/transfers/:id/reversals/:rid': reversalRetrieve,
  'POST /v1/payouts': payoutCreate,
  'GET /v1/payouts': payoutList,
  'GET /v1/payouts/:id': payoutRetrieve,
  'POST /v1/payouts/:id': payoutUpdate,
  'POST /v1/payouts/:id/cancel': payoutCancel,
};
