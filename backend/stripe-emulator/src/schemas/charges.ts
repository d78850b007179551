import type Stripe from 'stripe';
import { ParamSchema, S, SchemaTable } from './schema';

const chargeList = {
  created: S.range(),
  customer: S.id(),
  expand: S.expand(),
  payment_intent: S.id(),
  transfer_group: S.string(),
  ending_before: S.id(),
  limit: S.int(),
  starting_after: S.id(),
} satisfies ParamSchema<Stripe.ChargeListParams>;

const chargeRetrieve = {
  expand: S.expand(),
} satisfies ParamSchema<Stripe.ChargeRetrieveParams>;

const chargeUpdate = {
  customer: S.id(),
  description: S.string(),
  expand: S.expand(),
  fraud_details: S.unsupported,
  metadata: S.metadata().orEmpty(),
  receipt_email: S.string(),
  shipping: S.unsupported,
  transfer_group: S.string(),
} satisfies ParamSchema<Stripe.ChargeUpdateParams>;

const refundCreate = {
  amount: S.int(),
  charge: S.id(),
  currency: S.currency(),
  customer: S.id(),
  expand: S.expand(),
  instructions_email: S.string(),
  metadata: S.metadata().orEmpty(),
  origin: S.enum('customer_balance'),
  payment_intent: S.id(),
  reason: S.enum('duplicate', 'fraudulent', 'requested_by_customer'),
  refund_application_fee: S.bool(),
  reverse_transfer: S.bool(),
} satisfies ParamSchema<Stripe.RefundCreateParams>;

const refundList = {
  charge: S.id(),
  created: S.range(),
  expand: S.expand(),
  payment_intent: S.id(),
  ending_before: S.id(),
  limit: S.int(),
  starting_after: S.id(),
} satisfies ParamSchema<Stripe.RefundListParams>;

const refundRetrieve = {
  expand: S.expand(),
} satisfies ParamSchema<Stripe.RefundRetrieveParams>;

const refundUpdate = {
  expand: S.expand(),
  metadata: S.metadata().orEmpty(),
} satisfies ParamSchema<Stripe.RefundUpdateParams>;

const disputeList = {
  charge: S.id(),
  created: S.range(),
  expand: S.expand(),
  payment_intent: S.id(),
  ending_before: S.id(),
  limit: S.int(),
  starting_after: S.id(),
} satisfies ParamSchema<Stripe.DisputeListParams>;

const disputeRetrieve = {
  expand: S.expand(),
} satisfies ParamSchema<Stripe.DisputeRetrieveParams>;

const disputeUpdate = {
  evidence: S.object<Stripe.DisputeUpdateParams.Evidence>({
    access_activity_log: S.string(),
    appeal: S.unsupported,
    billing_address: S.string(),
    cancellation_policy: S.string(),
    cancellation_policy_disclosure: S.string(),
    cancellation_rebuttal: S.string(),
    customer_communication: S.string(),
    customer_email_address: S.string(),
    customer_name: S.string(),
    customer_purchase_ip: S.string(),
    customer_signature: S.string(),
    duplicate_charge_documentation: S.string(),
    duplicate_charge_explanation: S.string(),
    duplicate_charge_id: S.string(),
    enhanced_evidence: S.unsupported,
    product_description: S.string(),
    receipt: S.string(),
    refund_policy: S.string(),
    refund_policy_disclosure: S.string(),
    refund_refusal_explanation: S.string(),
    service_date: S.string(),
    service_documentation: S.string(),
    shipping_address: S.string(),
    shipping_carrier: S.string(),
    shipping_date: S.string(),
    shipping_documentation: S.string(),
    shipping_tracking_number: S.string(),
    uncategorized_file: S.string(),
    uncategorized_text: S.string(),
  }),
  expand: S.expand(),
  intended_submission_method: S.enum('manual', 'prefer_manual', 'prefer_smart_disputes', 'smart_disputes'),
  metadata: S.metadata().orEmpty(),
  submit: S.bool(),
} satisfies ParamSchema<Stripe.DisputeUpdateParams>;

const disputeClose = {
  expand: S.expand(),
} satisfies ParamSchema<Stripe.DisputeCloseParams>;

export const chargeSchemas: SchemaTable = {
  'GET /v1/charges': chargeList,
  'GET /v1/charges/:id': chargeRetrieve,
  'POST /v1/charges/:id': chargeUpdate,
  'POST /v1/refunds': refundCreate,
  'GET /v1/refunds': refundList,
  'GET /v1/refunds/:id': refundRetrieve,
  'POST /v1/refunds/:id': refundUpdate,
  'GET /v1/disputes': disputeList,
  'GET /v1/disputes/:id': disputeRetrieve,
  'POST /v1/disputes/:id': disputeUpdate,
  'POST /v1/disputes/:id/close': disputeClose,
};
