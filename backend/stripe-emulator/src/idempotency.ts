import { StripeApiError } from './errors';

/** Stripe keeps an idempotency key (and the result saved under it) for 24 hours; then it is a fresh key. */
export const IDEMPOTENCY_KEY_TTL_MS = 24 * 60 * 60 * 1000;

export interface IdemRecord {
  fingerprint: string;
  done: boolean;
  status: number;
  body: string;
  requestId: string;
  /** emulated-clock ms when the endpoint began executing */
  createdAtMs: number;
}

export type IdemLookup = { kind: 'fresh' } | { kind: 'replay'; rec: IdemRecord } | { kind: 'error'; error: StripeApiError; headers?: Record<string, string> };

/**
 * Idempotent requests as Stripe runs them (docs "Idempotent requests"): a result is saved only once the endpoint
 * began executing — a request that failed validation, or that collided with one still executing under the same key,
 * saves nothing, so retrying with the same key is a new request. Saved results, errors (incl. 500s) too, are replayed;
 * the same key with other parameters is an `idempotency_error`; keys expire after 24 hours on the emulated clock.
 * Keys are scoped per account (the `Stripe-Account` header).
 */
export class IdempotencyStore {
  private readonly records = new Map<string, IdemRecord>();

  constructor(private readonly nowMs: () => number) {}

  private scope(account: string, key: string): string {
    return `${account}\u0000${key}`;
  }

  lookup(account: string, key: string, fingerprint: string): IdemLookup {
    const scopeKey = this.scope(account, key);
    const prev = this.records.get(scopeKey);
    if (prev && this.nowMs() - prev.createdAtMs >= IDEMPOTENCY_KEY_TTL_MS) {
      this.records.delete(scopeKey);
      return { kind: 'fresh' };
    }
    if (!prev) return { kind: 'fresh' };
    if (!prev.done)
      return {
        kind: 'error',
        error: new StripeApiError(409, {
          type: 'idempotency_error',
          code: 'idempotency_key_in_use',
          message:
            'There is currently another in-progress request using this Idempotent Key (that probably means you submitted twice, and the other request is still going through): ' +
            key +
            '. Please try again later.',
        }),
        headers: { 'Stripe-Should-Retry': 'true' },
      };
    if (prev.fingerprint !== fingerprint)
      return {
        kind: 'error',
        error: new StripeApiError(400, {
          type: 'idempotency_error',
          message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
        }),
      };
    return { kind: 'replay', rec: prev };
  }

  /** the endpoint begins executing under this key: from now on the key is taken */
  begin(account: string, key: string, fingerprint: string, requestId: string): IdemRecord {
    const rec: IdemRecord = { fingerprint, done: false, status: 0, body: '', requestId, createdAtMs: this.nowMs() };
    this.records.set(this.scope(account, key), rec);
    return rec;
  }

  finish(rec: IdemRecord, status: number, body: string): void {
    Object.assign(rec, { done: true, status, body });
  }
}
