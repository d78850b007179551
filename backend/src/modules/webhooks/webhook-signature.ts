import Stripe from 'stripe';
import { badRequest } from '../../common/errors/app-error';
import { findUnstorable, INVALID_CHARACTERS } from '../../common/http/storable-text.pipe';

/** Stripe's default: a signature older than this many seconds is refused (replay protection). */
export const SIGNATURE_TOLERANCE_S = 300;

export type EventKind = 'platform' | 'connect';

/** The `t=` of a Stripe-Signature header (seconds), or null. */
export function signatureTimestamp(header: string): number | null {
  return parseSignatureHeader(header).timestamp;
}

/** `t=` and the `v1=` signatures of a Stripe-Signature header (stripe-node's parsing, tolerant of spaces). */
export function parseSignatureHeader(header: string): { timestamp: number | null; v1: string[] } {
  let timestamp: number | null = null;
  const v1: string[] = [];
  for (const raw of header.split(',')) {
    const part = raw.trim();
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq);
    const value = part.slice(eq + 1);
    if (key === 't') {
      const n = Number(value);
      timestamp = value !== '' && Number.isSafeInteger(n) ? n : null;
    } else if (key === 'v1') v1.push(value);
  }
  return { timestamp, v1 };
}

/**
 * Whether one of the header's v1 signatures is Stripe's HMAC-SHA256 of `${t}.${body}` with `secret`: stripe-node's own
 * check (`webhooks.signature.verifyHeader`, constant-time), with its timestamp check off (tolerance 0) because ours
 * refuses both directions below.
 */
function signedBy(stripe: Stripe, secret: string, header: string, body: Buffer): boolean {
  try {
    return stripe.webhooks.signature!.verifyHeader(body, header, secret, 0);
  } catch (e) {
    if (e instanceof Stripe.errors.StripeSignatureVerificationError) return false;
    throw e;
  }
}

/** What parseJson returns for a body that is not JSON. */
export const NOT_JSON: unique symbol = Symbol('not JSON');

/** Parses the raw body once (NOT_JSON when it is not JSON). */
export function parseJson(rawBody: Buffer): unknown {
  try {
    return JSON.parse(rawBody.toString('utf8'));
  } catch {
    return NOT_JSON;
  }
}

/**
 * Stripe-Signature verification done once per delivery: the header parsed once, the body parsed once (by the
 * caller or here), and ONE HMAC on the usual path: the event's kind (`account` present or not) says which
 * endpoint secret must have signed it, so only that one is tried. The other secret is tried only on a failure,
 * to tell a wrong-kind signature (WEBHOOK_SECRET_MISMATCH) from a bad one (WEBHOOK_SIGNATURE_INVALID).
 *
 * Same rules and codes as stripe-node's constructEvent plus ours: timestamps more than the tolerance in the
 * past or the future are refused; the event needs a string id and type; a Connect event's account must be a
 * string; text the jsonb inbox cannot hold (NUL, lone surrogates) is 400 INVALID_CHARACTERS.
 */
export class WebhookVerifier {
  /** Each signing secret with the kind(s) of event it may sign: a Connect endpoint's events carry `account`. */
  private readonly secrets: { kinds: EventKind[]; secret: string }[];

  constructor(
    private readonly stripe: Stripe,
    webhookSecret: string,
    connectWebhookSecret?: string,
  ) {
    // One secret for both (a development setup): it can tell the kinds apart by nothing, so it signs both.
    const secrets: { kinds: EventKind[]; secret: string }[] =
      connectWebhookSecret && connectWebhookSecret !== webhookSecret
        ? [
            { kinds: ['platform'], secret: webhookSecret },
            { kinds: ['connect'], secret: connectWebhookSecret },
          ]
        : [{ kinds: ['platform', 'connect'], secret: webhookSecret }];
    this.secrets = secrets.filter((s) => s.secret);
  }

  /** `parsed`: the body already parsed by the caller (JSON.parse of rawBody), to parse it only once. */
  verify(rawBody: Buffer | undefined, signature: string | string[] | undefined, parsed?: unknown): Stripe.Event {
    if (!signature || (Array.isArray(signature) && !signature.length)) throw badRequest('WEBHOOK_SIGNATURE_MISSING', 'The Stripe-Signature header is missing');
    if (Array.isArray(signature)) {
      if (signature.length > 1) throw badRequest('WEBHOOK_SIGNATURE_INVALID', 'Exactly one Stripe-Signature header is expected');
      signature = signature[0];
    }
    if (!rawBody?.length) throw badRequest('WEBHOOK_PAYLOAD_INVALID', 'The webhook body must be the raw JSON event (Content-Type: application/json)');
    const { timestamp, v1 } = parseSignatureHeader(signature);
    if (timestamp === null || !v1.length) throw badRequest('WEBHOOK_SIGNATURE_INVALID', 'The Stripe-Signature header does not match the payload');
    const body = parsed === undefined ? parseJson(rawBody) : parsed;
    const event = (body && typeof body === 'object' ? body : {}) as Partial<Stripe.Event>;
    const kind: EventKind = event.account === undefined || event.account === null ? 'platform' : 'connect';
    const own = this.secrets.find((s) => s.kinds.includes(kind));
    const signer =
      own && signedBy(this.stripe, own.secret, signature, rawBody)
        ? own
        : this.secrets.find((s) => s !== own && signedBy(this.stripe, s.secret, signature, rawBody));
    if (!signer) throw badRequest('WEBHOOK_SIGNATURE_INVALID', 'The Stripe-Signature header does not match the payload');
    const age = Math.floor(Date.now() / 1000) - timestamp;
    if (age > SIGNATURE_TOLERANCE_S) throw badRequest('WEBHOOK_SIGNATURE_INVALID', 'The Stripe-Signature timestamp is outside the tolerance window');
    if (-age > SIGNATURE_TOLERANCE_S) {
      throw badRequest('WEBHOOK_SIGNATURE_INVALID', 'The Stripe-Signature timestamp is in the future (beyond the tolerance window)');
    }
    // signed correctly but not JSON
    if (body === NOT_JSON) throw badRequest('WEBHOOK_PAYLOAD_INVALID', 'The webhook body is not a JSON event');
    if (!body || typeof body !== 'object' || typeof event.id !== 'string' || !event.id || typeof event.type !== 'string' || !event.type) {
      throw badRequest('WEBHOOK_PAYLOAD_INVALID', 'The webhook body is not a Stripe event (id and type are required)');
    }
    if (kind === 'connect' && (typeof event.account !== 'string' || !event.account)) {
      throw badRequest('WEBHOOK_PAYLOAD_INVALID', 'The event account must be a connected account id');
    }
    if (signer !== own) {
      throw badRequest(
        'WEBHOOK_SECRET_MISMATCH',
        kind === 'connect'
          ? 'A Connect event (with account) must be signed by the Connect endpoint secret'
          : 'An event without account must be signed by the platform endpoint secret',
      );
    }
    // The inbox stores the payload as jsonb, which cannot hold NUL or lone surrogates. In JSON text both can
    // only be written as a \u escape (a raw NUL is not valid JSON; bad UTF-8 decodes to U+FFFD), so a body
    // without one needs no walk.
    if (rawBody.includes('\\u')) {
      const bad = findUnstorable(body, 'event');
      if (bad) throw badRequest(INVALID_CHARACTERS, `${bad.path} ${bad.reason}`);
    }
    return body as Stripe.Event;
  }
}
