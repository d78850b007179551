import { Inject, Injectable } from '@nestjs/common';
import Stripe from 'stripe';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/env.schema';
import { STRIPE } from '../stripe/stripe.module';
import { NewWebhookEvent, WebhookEventRepository } from './webhook-event.repository';
import { WebhookQueueService } from './webhook-queue.service';
import { WebhookVerifier } from './webhook-signature';

export { SIGNATURE_TOLERANCE_S, signatureTimestamp } from './webhook-signature';

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
 * Used by the lean route (webhook-raw-route.ts, ahead of the Nest pipeline) and by the Nest controller.
 */
@Injectable()
export class WebhookIngestService {
  private readonly verifier: WebhookVerifier;

  constructor(
    @Inject(STRIPE) private readonly stripe: Stripe,
    @Inject(APP_CONFIG) cfg: AppConfig,
    private readonly events: WebhookEventRepository,
    private readonly queue: WebhookQueueService,
  ) {
    this.verifier = new WebhookVerifier(this.stripe, cfg.stripe.webhookSecret, cfg.stripe.connectWebhookSecret);
  }

  /** See WebhookVerifier.verify (400 with stable codes). `parsed`: the body already parsed, to parse it once. */
  verify(rawBody: Buffer | undefined, signature: string | string[] | undefined, parsed?: unknown): Stripe.Event {
    return this.verifier.verify(rawBody, signature, parsed);
  }

  async ingest(rawBody: Buffer | undefined, signature: string | string[] | undefined, parsed?: unknown): Promise<IngestResult> {
    const event = this.verify(rawBody, signature, parsed);
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
      inserted = new Set(await this.events.insertNew(unique));
    } catch (e) {
      for (const b of batch) b.reject(e);
      return;
    }
    // Committed: the answer goes out now, the enqueue (one addBulk) follows without holding it up. A job that
    // does not make it (Redis down or slow, the process stopped in between) is added by the sweeper, which
    // re-enqueues RECEIVED rows (at once when Redis comes back). A duplicate was enqueued when it was first stored.
    if (inserted.size) void this.queue.enqueue([...inserted]);
    const answered = new Set<string>();
    for (const b of batch) {
      // the first delivery of a newly stored id is the one that stored it; the others are duplicates
      const stored = inserted.has(b.row.id) && !answered.has(b.row.id);
      answered.add(b.row.id);
      b.resolve(stored);
    }
  }
}
