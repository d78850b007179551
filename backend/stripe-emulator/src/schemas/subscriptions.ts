import type Stripe from 'stripe';
import { ParamSchema, S, SchemaTable } from './schema';

const PAYMENT_METHOD_TYPE = S.words(
  'acss_debit affirm alipay amazon_pay au_becs_debit bacs_debit bancontact billie blik boleto card cashapp crypto custom customer_balance eps fpx giropay grabpay ideal kakao_pay klarna konbini kr_card link mb_way multibanco naver_pay nz_bank_account p24 pay_by_bank payco paynow paypal payto pix promptpay revolut_pay satispay sepa_debit sequra sofort swish twint upi us_bank_account wechat_pay ach_credit_transfer ach_debit jp_credit_transfer sepa_credit_transfer',
);

const paymentSettingsFields = {
  payment_method_options: S.unsupported,
  payment_method_types: S.array(PAYMENT_METHOD_TYPE).orEmpty(),
  save_default_payment_method: S.enum('off', 'on_subscription'),
} satisfies ParamSchema<Stripe.SubscriptionCreateParams.PaymentSettings>;

const subscriptionCreate = {
  add_invoice_items: S.unsupported,
  application_fee_percent: S.int().orEmpty(),
  automatic_tax: S.unsupported,
  backdate_start_date: S.int(),
  billing_cycle_anchor: S.int(),
  billing_cycle_anchor_config: S.unsupported,
  billing_mode: S.unsupported,
  billing_schedules: S.unsupported,
  billing_thresholds: S.unsupported,
  cancel_at: S.oneOf(S.enum('max_billed_until', 'max_period_end', 'min_period_end'), S.int()),
  cancel_at_period_end: S.bool(),
  collection_method: S.enum('charge_automatically', 'send_invoice'),
  currency: S.currency(),
  customer: S.id().required(),
  customer_account: S.id(),
  days_until_due: S.int(),
  default_payment_method: S.id(),
  default_source: S.id(),
  default_tax_rates: S.array(S.string()).orEmpty(),
  description: S.string(),
  discounts: S.unsupported,
  expand: S.expand(),
  invoice_settings: S.unsupported,
  items: S.array(
    S.object<Stripe.SubscriptionCreateParams.Item>({
      billing_thresholds: S.unsupported,
      current_trial: S.unsupported,
      discounts: S.unsupported,
      metadata: S.metadata(),
      plan: S.id(),
      price: S.id(),
      price_data: S.object<Stripe.SubscriptionCreateParams.Item.PriceData>({
        currency: S.currency(),
        product: S.id(),
        recurring: S.object<Stripe.SubscriptionCreateParams.Item.PriceData.Recurring>({
          interval: S.enum('day', 'month', 'week', 'year'),
          interval_count: S.int(),
        }),
        tax_behavior: S.enum('unspecified', 'exclusive', 'inclusive'),
        unit_amount: S.int(),
        unit_amount_decimal: S.decimal(),
      }),
      quantity: S.int(),
      tax_rates: S.array(S.string()).orEmpty(),
    }),
  ),
  metadata: S.metadata().orEmpty(),
  off_session: S.bool(),
  on_behalf_of: S.id(),
  payment_behavior: S.enum('allow_incomplete', 'default_incomplete', 'error_if_incomplete', 'pending_if_incomplete'),
  payment_settings: S.object<Stripe.SubscriptionCreateParams.PaymentSettings>(paymentSettingsFields),
  pending_invoice_item_interval: S.unsupported,
  proration_behavior: S.enum('none', 'always_invoice', 'create_prorations'),
  transfer_data: S.unsupported,
  trial_end: S.oneOf(S.enum('now'), S.int()),
  trial_from_plan: S.bool(),
  trial_period_days: S.int(),
  trial_settings: S.unsupported,
} satisfies ParamSchema<Stripe.SubscriptionCreateParams>;

const subscriptionList = {
  automatic_tax: S.unsupported,
  collection_method: S.enum('charge_automatically', 'send_invoice'),
  created: S.range(),
  current_period_end: S.range(),
  current_period_start: S.range(),
  customer: S.id(),
  customer_account: S.id(),
  expand: S.expand(),
  plan: S.id(),
  price: S.id(),
  status: S.words('active all canceled ended incomplete incomplete_expired past_due paused trialing unpaid'),
  test_clock: S.id(),
  ending_before: S.id(),
  limit: S.int(),
  starting_after: S.id(),
} satisfies ParamSchema<Stripe.SubscriptionListParams>;

const subscriptionRetrieve = {
  expand: S.expand(),
} satisfies ParamSchema<Stripe.SubscriptionRetrieveParams>;

const subscriptionUpdate = {
  add_invoice_items: S.unsupported,
  application_fee_percent: S.int().orEmpty(),
  automatic_tax: S.unsupported,
  billing_cycle_anchor: S.unsupported,
  billing_schedules: S.unsupported,
  billing_thresholds: S.unsupported,
  cancel_at: S.oneOf(S.enum('max_billed_until', 'max_period_end', 'min_period_end'), S.int()).orEmpty(),
  cancel_at_period_end: S.bool(),
  cancellation_details: S.object<Stripe.SubscriptionUpdateParams.CancellationDetails>({
    comment: S.string(),
    feedback: S.words('customer_service low_quality missing_features other switched_service too_complex too_expensive unused').orEmpty(),
    feedback_option: S.string(),
  }),
  collection_method: S.enum('charge_automatically', 'send_invoice'),
  days_until_due: S.int(),
  default_payment_method: S.id(),
  default_source: S.id(),
  default_tax_rates: S.array(S.string()).orEmpty(),
  description: S.string(),
  discounts: S.unsupported,
  expand: S.expand(),
  invoice_settings: S.unsupported,
  items: S.array(
    S.object<Stripe.SubscriptionUpdateParams.Item>({
      billing_thresholds: S.unsupported,
      clear_usage: S.bool(),
      current_trial: S.unsupported,
      deleted: S.bool(),
      discounts: S.unsupported,
      id: S.string(),
      metadata: S.metadata().orEmpty(),
      plan: S.id(),
      price: S.id(),
      price_data: S.object<Stripe.SubscriptionUpdateParams.Item.PriceData>({
        currency: S.currency(),
        product: S.id(),
        recurring: S.object<Stripe.SubscriptionUpdateParams.Item.PriceData.Recurring>({
          interval: S.enum('day', 'month', 'week', 'year'),
          interval_count: S.int(),
        }),
        tax_behavior: S.enum('unspecified', 'exclusive', 'inclusive'),
        unit_amount: S.int(),
        unit_amount_decimal: S.decimal(),
      }),
      quantity: S.int(),
      tax_rates: S.array(S.string()).orEmpty(),
    }),
  ),
  metadata: S.metadata().orEmpty(),
  off_session: S.bool(),
  on_behalf_of: S.id(),
  pause_collection: S.unsupported,
  payment_behavior: S.enum('allow_incomplete', 'default_incomplete', 'error_if_incomplete', 'pending_if_incomplete'),
  payment_settings: S.object<Stripe.SubscriptionUpdateParams.PaymentSettings>(paymentSettingsFields),
  pending_invoice_item_interval: S.unsupported,
  proration_behavior: S.enum('none', 'always_invoice', 'create_prorations'),
  proration_date: S.int(),
  transfer_data: S.unsupported,
  trial_end: S.oneOf(S.enum('now'), S.int()),
  trial_from_plan: S.bool(),
  trial_settings: S.unsupported,
} satisfies ParamSchema<Stripe.SubscriptionUpdateParams>;

const subscriptionCancel = {
  cancellation_details: S.object<Stripe.SubscriptionCancelParams.CancellationDetails>({
    comment: S.string(),
    feedback: S.words('customer_service low_quality missing_features other switched_service too_complex too_expensive unused').orEmpty(),
    feedback_option: S.string(),
  }),
  expand: S.expand(),
  invoice_now: S.bool(),
  prorate: S.bool(),
} satisfies ParamSchema<Stripe.SubscriptionCancelParams>;

const subscriptionItemList = {
  subscription: S.id(),
  expand: S.expand(),
  ending_before: S.id(),
  limit: S.int(),
  starting_after: S.id(),
} satisfies ParamSchema<Stripe.SubscriptionItemListParams>;

const subscriptionItemRetrieve = {
  expand: S.expand(),
} satisfies ParamSchema<Stripe.SubscriptionItemRetrieveParams>;

export const subscriptionSchemas: SchemaTable = {
  'POST /v1/subscriptions': subscriptionCreate,
  'GET /v1/subscriptions': subscriptionList,
  'GET /v1/subscriptions/:id': subscriptionRetrieve,
  'POST /v1/subscriptions/:id': subscriptionUpdate,
  'DELETE /v1/subscriptions/:id': subscriptionCancel,
  'GET /v1/subscription_items': subscriptionItemList,
  'GET /v1/subscription_items/:id': subscriptionItemRetrieve,
};
