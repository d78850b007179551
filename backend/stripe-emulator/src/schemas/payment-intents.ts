import type Stripe from 'stripe';
import { ALLOWED_PAYMENT_METHOD_TYPE, EXCLUDABLE_PAYMENT_METHOD_TYPE, LEGACY_PAYMENT_METHOD_TYPES, address, paymentMethodData } from './payment-method-data';
import { ParamSchema, S, SchemaTable } from './schema';

/** accepted and checked; the emulator does not store it (harmless: it only describes the delivery) */
const shipping = S.object<Stripe.PaymentIntentCreateParams.Shipping>({
  address: address.required(),
  carrier: S.string(),
  name: S.string().required(),
  phone: S.string(),
  tracking_number: S.string(),
});

const paymentIntentCreateSdk = {
  amount: S.int().required(),
  currency: S.currency().required(),
  allowed_payment_method_types: S.array(ALLOWED_PAYMENT_METHOD_TYPE),
  amount_details: S.unsupported,
  application_fee_amount: S.int(),
  automatic_payment_methods: S.object<Stripe.PaymentIntentCreateParams.AutomaticPaymentMethods>({
    allow_redirects: S.enum('always', 'never'),
    enabled: S.bool(),
  }),
  capture_method: S.enum('automatic', 'automatic_async', 'manual'),
  confirm: S.bool(),
  confirmation_method: S.enum('automatic', 'manual'),
  confirmation_token: S.id(),
  customer: S.id(),
  customer_account: S.id(),
  description: S.string(),
  error_on_requires_action: S.bool(),
  excluded_payment_method_types: S.array(EXCLUDABLE_PAYMENT_METHOD_TYPE),
  expand: S.expand(),
  hooks: S.unsupported,
  mandate: S.id(),
  mandate_data: S.unsupported,
  metadata: S.metadata(),
  off_session: S.oneOf(S.enum('one_off', 'recurring'), S.bool()),
  on_behalf_of: S.id(),
  payment_details: S.unsupported,
  payment_method: S.id(),
  payment_method_configuration: S.id(),
  payment_method_data: S.object<Stripe.PaymentIntentCreateParams.PaymentMethodData>(paymentMethodData),
  payment_method_options: S.unsupported,
  radar_options: S.unsupported,
  receipt_email: S.string(),
  return_url: S.string(),
  setup_future_usage: S.enum('off_session', 'on_session'),
  shipping,
  statement_descriptor: S.string(),
  statement_descriptor_suffix: S.string(),
  transfer_data: S.object<Stripe.PaymentIntentCreateParams.TransferData>({
    amount: S.int(),
    description: S.string(),
    destination: S.id(),
    metadata: S.metadata().orEmpty(),
    payment_data: S.unsupported,
  }),
  transfer_group: S.string(),
  use_stripe_sdk: S.bool(),
} satisfies ParamSchema<Stripe.PaymentIntentCreateParams>;

const paymentIntentCreate = { ...paymentIntentCreateSdk, payment_method_types: LEGACY_PAYMENT_METHOD_TYPES };

const paymentIntentList = {
  created: S.range(),
  customer: S.id(),
  customer_account: S.id(),
  expand: S.expand(),
  ending_before: S.id(),
  limit: S.int(),
  starting_after: S.id(),
} satisfies ParamSchema<Stripe.PaymentIntentListParams>;

const paymentIntentRetrieve = {
  client_secret: S.id(),
  expand: S.expand(),
} satisfies ParamSchema<Stripe.PaymentIntentRetrieveParams>;

const paymentIntentUpdateSdk = {
  allowed_payment_method_types: S.array(ALLOWED_PAYMENT_METHOD_TYPE),
  amount: S.int(),
  amount_details: S.unsupported,
  application_fee_amount: S.int().orEmpty(),
  capture_method: S.enum('automatic', 'automatic_async', 'manual'),
  currency: S.currency(),
  customer: S.id(),
  customer_account: S.id(),
  description: S.string(),
  excluded_payment_method_types: S.array(EXCLUDABLE_PAYMENT_METHOD_TYPE).orEmpty(),
  expand: S.expand(),
  hooks: S.unsupported,
  metadata: S.metadata().orEmpty(),
  payment_details: S.unsupported,
  payment_method: S.id(),
  payment_method_configuration: S.id(),
  payment_method_data: S.unsupported,
  payment_method_options: S.unsupported,
  receipt_email: S.string(),
  setup_future_usage: S.enum('off_session', 'on_session').orEmpty(),
  shipping: shipping.orEmpty(),
  statement_descriptor: S.string(),
  statement_descriptor_suffix: S.string(),
  transfer_data: S.object<Stripe.PaymentIntentUpdateParams.TransferData>({
    amount: S.int(),
    description: S.string(),
    metadata: S.metadata().orEmpty(),
    payment_data: S.unsupported,
  }),
  transfer_group: S.string(),
} satisfies ParamSchema<Stripe.PaymentIntentUpdateParams>;

const paymentIntentUpdate = { ...paymentIntentUpdateSdk, payment_method_types: LEGACY_PAYMENT_METHOD_TYPES };

const paymentIntentConfirmSdk = {
  allowed_payment_method_types: S.array(ALLOWED_PAYMENT_METHOD_TYPE),
  amount_details: S.unsupported,
  amount_to_confirm: S.int(),
  capture_method: S.enum('automatic', 'automatic_async', 'manual'),
  confirmation_token: S.id(),
  error_on_requires_action: S.bool(),
  excluded_payment_method_types: S.array(EXCLUDABLE_PAYMENT_METHOD_TYPE).orEmpty(),
  expand: S.expand(),
  hooks: S.unsupported,
  mandate: S.id(),
  mandate_data: S.unsupported,
  off_session: S.oneOf(S.enum('one_off', 'recurring'), S.bool()),
  payment_details: S.unsupported,
  payment_method: S.id(),
  payment_method_data: S.object<Stripe.PaymentIntentConfirmParams.PaymentMethodData>(paymentMethodData),
  payment_method_options: S.unsupported,
  radar_options: S.unsupported,
  receipt_email: S.string(),
  return_url: S.string(),
  setup_future_usage: S.enum('off_session', 'on_session').orEmpty(),
  shipping: shipping.orEmpty(),
  use_stripe_sdk: S.bool(),
} satisfies ParamSchema<Stripe.PaymentIntentConfirmParams>;

/** Stripe.js confirms with the publishable key and the intent's `client_secret` (not in the server SDK's type). */
const paymentIntentConfirm = { ...paymentIntentConfirmSdk, client_secret: S.string() };

const paymentIntentCancel = {
  cancellation_reason: S.enum('abandoned', 'duplicate', 'fraudulent', 'requested_by_customer'),
  expand: S.expand(),
} satisfies ParamSchema<Stripe.PaymentIntentCancelParams>;

const paymentIntentCapture = {
  amount_details: S.unsupported,
  amount_to_capture: S.int(),
  application_fee_amount: S.int(),
  expand: S.expand(),
  final_capture: S.bool(),
  hooks: S.unsupported,
  metadata: S.metadata().orEmpty(),
  payment_details: S.unsupported,
  statement_descriptor: S.string(),
  statement_descriptor_suffix: S.string(),
  transfer_data: S.unsupported,
} satisfies ParamSchema<Stripe.PaymentIntentCaptureParams>;

export const paymentIntentSchemas: SchemaTable = {
  'POST /v1/payment_intents': paymentIntentCreate,
  'GET /v1/payment_intents': paymentIntentList,
  'GET /v1/payment_intents/:id': paymentIntentRetrieve,
  'POST /v1/payment_intents/:id': paymentIntentUpdate,
  'POST /v1/payment_intents/:id/confirm': paymentIntentConfirm,
  'POST /v1/payment_intents/:id/cancel': paymentIntentCancel,
  'POST /v1/payment_intents/:id/capture': paymentIntentCapture,
};
