/**
 * Compile-time checks (`npm run check`): a schema must list every key of the SDK's Params type, with a spec that fits
 * the key's type. Each `@ts-expect-error` below fails the check if the typing stops catching that mistake.
 */
import type Stripe from 'stripe';
import { ParamSchema, S } from '../src/schemas/schema';

export const complete = { expand: S.expand() } satisfies ParamSchema<Stripe.PayoutCancelParams>;

// @ts-expect-error a key of the SDK type is missing (drift: the SDK gained a parameter)
export const missingKey = { expand: S.expand() } satisfies ParamSchema<Stripe.PaymentIntentCancelParams>;

// @ts-expect-error a key the SDK does not have
export const extraKey = { expand: S.expand(), bogus: S.string() } satisfies ParamSchema<Stripe.PayoutCancelParams>;

export const badEnum = {
  // @ts-expect-error an enum value the SDK does not know
  cancellation_reason: S.enum('duplicate', 'bogus'),
  expand: S.expand(),
} satisfies ParamSchema<Stripe.PaymentIntentCancelParams>;

export const wrongKind = {
  // @ts-expect-error a string spec for an integer parameter
  amount_to_capture: S.string(),
} satisfies Partial<ParamSchema<Stripe.PaymentIntentCaptureParams>>;

export const openEnum = {
  // @ts-expect-error an enum parameter must list its values, not accept any string
  cancellation_reason: S.string(),
} satisfies Partial<ParamSchema<Stripe.PaymentIntentCancelParams>>;

export const notEmptyable = {
  // @ts-expect-error '' is accepted only where the SDK type is Stripe.Emptyable<...>
  metadata: S.metadata().orEmpty(),
} satisfies Partial<ParamSchema<Stripe.PaymentIntentCreateParams>>;
