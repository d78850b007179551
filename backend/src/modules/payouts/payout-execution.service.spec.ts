import Stripe from 'stripe';
import { classifyStripeError } from './payout-execution.service';

describe('classifyStripeError: refuse only on a definite answer', () => {
  const err = (Ctor: new (raw: Record<string, unknown>) => Error, raw: Record<string, unknown>) => new Ctor({ message: 'm', ...raw });

  it('a 4xx invalid request is a refusal (nothing was created)', () => {
    expect(classifyStripeError(err(Stripe.errors.StripeInvalidRequestError, { code: 'no_external_account', statusCode: 400 }))).toMatchObject({
      kind: 'refused',
      code: 'no_external_account',
    });
    expect(classifyStripeError(err(Stripe.errors.StripePermissionError, { code: 'account_invalid', statusCode: 403 })).kind).toBe('refused');
  });
  it('unknown outcomes and passing conditions are retried with the same key, after looking the object up', () => {
    expect(classifyStripeError(err(Stripe.errors.StripeConnectionError, {})).kind).toBe('retry');
    expect(classifyStripeError(err(Stripe.errors.StripeAPIError, { statusCode: 500 })).kind).toBe('retry');
    expect(classifyStripeError(err(Stripe.errors.StripeRateLimitError, { statusCode: 429 })).kind).toBe('retry');
    expect(classifyStripeError(err(Stripe.errors.StripeIdempotencyError, { statusCode: 409, code: 'idempotency_key_in_use' })).kind).toBe('retry');
    expect(classifyStripeError(err(Stripe.errors.StripeInvalidRequestError, { code: 'balance_insufficient', statusCode: 400 })).kind).toBe('retry');
    expect(classifyStripeError(new Error('socket hang up')).kind).toBe('retry');
  });
});
