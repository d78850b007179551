import type Stripe from 'stripe';
import { ALLOWED_PAYMENT_METHOD_TYPE, EXCLUDABLE_PAYMENT_METHOD_TYPE, LEGACY_PAYMENT_METHOD_TYPES, paymentMethodData } from './payment-method-data';
import { ParamSchema, S, SchemaTable } from './schema';

const setupIntentCreateSdk = {
  allowed_payment_method_types: S.array(ALLOWED_PAYMENT_METHOD_TYPE),
  attach_to_self: S.bool(),
  automatic_payment_methods: S.object<Stripe.SetupIntentCreateParams.AutomaticPaymentMethods>({
    allow_redirects: S.enum('always', 'never'),
    enabled: S.bool(),
  }),
  confirm: S.bool(),
  confirmation_token: S.id(),
  customer: S.id(),
  customer_account: S.id(),
  description: S.string(),
  excluded_payment_method_types: S.array(EXCLUDABLE_PAYMENT_METHOD_TYPE),
  expand: S.expand(),
  flow_directions: S.array(S.enum('inbound', 'outbound')),
  mandate_data: S.unsupported,
  metadata: S.metadata(),
  on_behalf_of: S.id(),
  payment_method: S.id(),
  payment_method_configuration: S.id(),
  payment_method_data: S.object<Stripe.SetupIntentCreateParams.PaymentMethodData>(paymentMethodData),
  payment_method_options: S.unsupported,
  return_url: S.string(),
  single_use: S.unsupported,
  usage: S.enum('off_session', 'on_session'),
  use_stripe_sdk: S.bool(),
} satisfies ParamSchema<Stripe.SetupIntentCreateParams>;

const setupIntentCreate = { ...setupIntentCreateSdk, payment_method_types: LEGACY_PAYMENT_METHOD_TYPES };

const setupIntentList = {
  attach_to_self: S.bool(),
  created: S.range(),
  customer: S.id(),
  customer_account: S.id(),
  expand: S.expand(),
  payment_method: S.id(),
  ending_before: S.id(),
  limit: S.int(),
  starting_after: S.id(),
} satisfies ParamSchema<Stripe.SetupIntentListParams>;

const setupIntentRetrieve = {
  client_secret: S.id(),
  expand: S.expand(),
} satisfies ParamSchema<Stripe.SetupIntentRetrieveParams>;

const setupIntentUpdateSdk = {
  allowed_payment_method_types: S.array(ALLOWED_PAYMENT_METHOD_TYPE).orEmpty(),
  attach_to_self: S.bool(),
  customer: S.id(),
  customer_account: S.id(),
  description: S.string(),
  excluded_payment_method_types: S.array(EXCLUDABLE_PAYMENT_METHOD_TYPE).orEmpty(),
  expand: S.expand(),
  flow_directions: S.array(S.enum('inbound', 'outbound')),
  metadata: S.metadata().orEmpty(),
  payment_method: S.id(),
  payment_method_configuration: S.id(),
  payment_method_data: S.unsupported,
  payment_method_options: S.unsupported,
} satisfies ParamSchema<Stripe.SetupIntentUpdateParams>;

const setupIntentUpdate = { ...setupIntentUpdateSdk, payment_method_types: LEGACY_PAYMENT_METHOD_TYPES };

const setupIntentConfirmSdk = {
  allowed_payment_method_types: S.array(ALLOWED_PAYMENT_METHOD_TYPE),
  confirmation_token: S.id(),
  expand: S.expand(),
  mandate_data: S.unsupported,
  payment_method: S.id(),
  payment_method_data: S.object<Stripe.SetupIntentConfirmParams.PaymentMethodData>(paymentMethodData),
  payment_method_options: S.unsupported,
  return_url: S.string(),
  use_stripe_sdk: S.bool(),
} satisfies ParamSchema<Stripe.SetupIntentConfirmParams>;

/** Stripe.js confirms with the publishable key and the intent's `client_secret` (not in the server SDK's type). */
const setupIntentConfirm = { ...setupIntentConfirmSdk, client_secret: S.string() };

const setupIntentCancel = {
  cancellation_reason: S.enum('abandoned', 'duplicate', 'requested_by_customer'),
  expand: S.expand(),
} satisfies ParamSchema<Stripe.SetupIntentCancelParams>;

export const setupIntentSchemas: SchemaTable = {
  'POST /v1/setup_intents': setupIntentCreate,
  'GET /v1/setup_intents': setupIntentList,
  'GET /v1/setup_intents/:id': setupIntentRetrieve,
  'POST /v1/setup_intents/:id': setupIntentUpdate,
  'POST /v1/setup_intents/:id/confirm': setupIntentConfirm,
  'POST /v1/setup_intents/:id/cancel': setupIntentCancel,
};
