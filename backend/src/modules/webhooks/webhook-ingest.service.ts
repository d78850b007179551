import { Inject, Injectable } from '@nestjs/common';
import Stripe from 'stripe';
import { badRequest } from '../../common/errors/app-error';
import { findUnstorable, INVALID_CHARACTERS } from '../../common/http/storable-text.pipe';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/env.schema';
import { STRIPE } from '../stripe/stripe.module';
import { NewWebhookEvent, WebhookEventRepository } from './webhook-event.repository';
import { WebhookQueueService } from './webhook-queue.service';

/** Stripe's default: a signature older than this many seconds is refused (replay protection). */
export const SIGNATURE_TOLERANCE_S = 300;
/** At most this many events share one INSERT (7 parameters each, well under PostgreSQL's 65,535). */
const INGEST_BATCH_MAX = 200;

export interface IngestResult {
  received: true;
  eventType: string;
  /** false when the event id was already in the inbox (a redelivery or a duplicate). */
  stored: boolean;
}

/**
 * The webhook endpoint's only work: verify the signature, one INSERT ... ON CONFLICT DO NOTHING into the inbox,
 * one enqueue. Under load, the requests that arrive in the same turn of the event loop share that INSERT (one
 * commit, one WAL flush) and that enqueue (one round trip to Redis). Processing happens on the queue.
 */
type EventKind = 'platform' | 'connect';

/** The `t=` of a Stripe-Signature header (seconds), or null. */
export function signatureTimestamp(header: string): number | null {
  const t = header
    .split(',')
    .map((part) => part.trim())
    .find((part) => part.startsWith('t='));
  const n = t ? Number(t.slice(2)) : NaN;
  return Number.isSafeInteger(n) ? n : null;
}

@Injectable()
export class WebhookIngestService {
  /** Each signing secret with the kind(s) of event it may sign: a Connect endpoint's events carry `account`. */
  private readonly secrets: { kinds: EventKind[]; secret: string }[];

  constructor(
    @Inject(STRIPE) private readonly stripe: Stripe,
    @Inject(APP_CONFIG) cfg: AppConfig,
    private readonly events: WebhookEventRepository,
    private readonly queue: WebhookQueueService,
  ) {
    const { webhookSecret, connectWebhookSecret } = cfg.stripe;
    // One secret for both (a development setup): it can tell the kinds apart by nothing, so it signs both.
    this.secrets =
      connectWebhookSecret && connectWebhookSecret !== webhookSecret
        ? [
            { kinds: ['platform'], secret: webhookSecret },
            { kinds: ['connect'], secret: connectWebhookSecret },
          ]
        : [{ kinds: ['platform', 'connect'], secret: webhookSecret }];
    this.secrets = this.secrets.filter((s) => s.secret);
  }

  /**
   * Verifies against the platform secret, then the Connect secret, and refuses (400, stable codes) an event of
   * the other secret's kind (a platform-signed event naming an `account`, a Connect-signed one without), and a
   * signature timestamp more than the tolerance in the future (stripe-node checks only the past).
   */
  verify(rawBody: Buffer | undefined, signature: string | string[] | undefined): Stripe.Event {
    if (!signature || (Array.isArray(signature) && !signature.length)) throw badRequest('WEBHOOK_SIGNATURE_MISSING', 'The Stripe-Signature header is missing');
    if (Array.isArray(signature)) throw badRequest('WEBHOOK_SIGNATURE_INVALID', 'Exactly one Stripe-Signature header is expected');
    if (!rawBody?.length) throw badRequest('WEBHOOK_PAYLOAD_INVALID', 'The webhook body must be the raw JSON event (Content-Type: application/json)');
    let tooOld = false;
    for (const { kinds, secret } of this.secrets) {
      let event: Stripe.Event;
      try {
        event = this.stripe.webhooks.constructEvent(rawBody, signature, secret, SIGNATURE_TOLERANCE_S);
      } catch (e) {
        if (e instanceof Stripe.errors.StripeSignatureVerificationError) {
          if (/tolerance/i.test(e.message)) tooOld = true;
          continue;
        }
        // signed correctly but not JSON
        throw badRequest('WEBHOOK_PAYLOAD_INVALID', 'The webhook body is not a JSON event');
      }
      const t = signatureTimestamp(signature);
      if (t === null || t - Math.floor(Date.now() / 1000) > SIGNATURE_TOLERANCE_S) {
        throw badRequest('WEBHOOK_SIGNATURE_INVALID', 'The Stripe-Signature timestamp is in the future (beyond the tolerance window)');
      }
      if (!event || typeof event !== 'object' || typeof event.id !== 'string' || !event.id || typeof event.type !== 'string' || !event.type) {
        throw badRequest('WEBHOOK_PAYLOAD_INVALID', 'The webhook body is not a Stripe event (id and type are required)');
      }
      const kind: EventKind = event.account === undefined || event.account === null ? 'platform' : 'connect';
      if (kind === 'connect' && (typeof event.account !== 'string' || !event.account)) {
        throw badRequest('WEBHOOK_PAYLOAD_INVALID', 'The event account must be a connected account id');
      }
      if (!kinds.includes(kind)) {
        throw badRequest(
          'WEBHOOK_SECRET_MISMATCH',
          kind === 'connect'
            ? 'A Connect event (with account) must be signed by the Connect endpoint secret'
            : 'An event without account must be signed by the platform endpoint secret',
        );
      }
      // the inbox stores the payload as jsonb, which cannot hold NUL or lone surrogates: refuse rather than fail
      const bad = findUnstorable(event, 'event');
      if (bad) throw badRequest(INVALID_CHARACTERS, `${bad.path} ${bad.reason}`);
      return event;
    }
    throw badRequest(
      'WEBHOOK_SIGNATURE_INVALID',
      tooOld ? 'The Stripe-Signature timestamp is outside the tolerance window' : 'The Stripe-Signature header does not match the payload',
    );
  }

  async ingest(rawBody: Buffer | undefined, signature: string | string[] | undefined): Promise<IngestResult> {
    const event = this.verify(rawBody, signature);
    const stored = await this.store({
      id: event.id,
      type: event.type,
      account: typeof event.account === 'string' ? event.account : null,
      livemode: event.livemode === true,
      created: Number.isFinite(event.created) ? event.created : Math.floor(Date.now() / 1000),
      payload: rawBody!.toString('utf8'),
      source: 'webhook',
    });
    return { received: true, eventType: event.type, stored };
  }

  // ---- group commit: the events that arrive in the same turn of the event loop share one INSERT and one enqueue

  private pending: Array<{ row: NewWebhookEvent; resolve: (stored: boolean) => void; reject: (e: unknown) => void }> = [];
  private scheduled = false;

  /** Stores the event (true) or finds it already stored (false); resolves once the row is committed. */
  private store(row: NewWebhookEvent): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.pending.push({ row, resolve, reject });
      if (this.pending.length >= INGEST_BATCH_MAX) void this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    const batch = this.pending.splice(0, INGEST_BATCH_MAX);
    if (this.pending.length && !this.scheduled) {
      this.scheduled = true;
      setImmediate(() => void this.flush());
    }
    if (!batch.length) return;
    const unique = [...new Map(batch.map((b) => [b.row.id, b.row])).values()];
    let inserted: Set<string>;
    try {
      // Redeliveries are dropped by a plain read first: an INSERT that meets a row which a processor is updating
      // right now would wait for that transaction, and hold up every event of the batch with it.
      const known = await this.events.existingIds(unique.map((r) => r.id));
      const fresh = unique.filter((r) => !known.has(r.id));
      inserted = new Set(fresh.length ? await this.events.insertMany(fresh) : []);
    } catch (e) {
      for (const b of batch) b.reject(e);
      return;
    }
    // A duplicate was already enqueued when it was first stored (or the sweeper will enqueue it).
    if (inserted.size) await this.queue.enqueue([...inserted]);
    const answered = new Set<string>();
    for (const b of batch) {
      // the first delivery of a newly stored id is the one that stored it; the others are duplicates
      const stored = inserted.has(b.row.id) && !answered.has(b.row.id);
      answered.add(b.row.id);
      b.resolve(stored);
    }
  }
}
