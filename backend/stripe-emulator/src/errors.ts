export type StripeErrorType = 'api_error' | 'card_error' | 'idempotency_error' | 'invalid_request_error' | 'rate_limit_error' | 'authentication_error';

export interface StripeErrorBody {
  type: StripeErrorType;
  message: string;
  code?: string;
  decline_code?: string;
  param?: string;
  doc_url?: string;
  charge?: string;
  payment_intent?: unknown;
  payment_method?: unknown;
  setup_intent?: unknown;
  request_log_url?: string;
}

/** Thrown by handlers; the server turns it into Stripe's error JSON with the right status. */
export class StripeApiError extends Error {
  constructor(
    public readonly status: number,
    public readonly body: StripeErrorBody,
  ) {
    super(body.message);
  }
}

function docUrl(code?: string): string | undefined {
  return code ? `https://stripe.com/docs/error-codes/${code.replace(/_/g, '-')}` : undefined;
}

export function invalid(message: string, param?: string, code?: string): StripeApiError {
  return new StripeApiError(400, { type: 'invalid_request_error', message, param, code, doc_url: docUrl(code) });
}

export function missingParam(param: string): StripeApiError {
  return invalid(`Missing required param: ${param}.`, param, 'parameter_missing');
}

export function noSuch(kind: string, id: string, param = 'id'): StripeApiError {
  return new StripeApiError(404, {
    type: 'invalid_request_error',
    code: 'resource_missing',
    message: `No such ${kind}: '${id}'`,
    param,
    doc_url: docUrl('resource_missing'),
  });
}

export function cardError(code: string, message: string, extra: Partial<StripeErrorBody> = {}): StripeApiError {
  return new StripeApiError(402, { type: 'card_error', code, message, doc_url: docUrl(code), ...extra });
}

export function unexpectedState(message: string): StripeApiError {
  return invalid(message, undefined, 'payment_intent_unexpected_state');
}
