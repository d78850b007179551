import { Injectable } from '@nestjs/common';
import { badRequest, conflict, notFound } from '../../common/errors/app-error';
import { WebhookEventRepository, WebhookEventStatus, WebhookEventSummary } from './webhook-event.repository';
import { WebhookQueueService } from './webhook-queue.service';

export interface WebhookEventView {
  id: string;
  type: string;
  account: string | null;
  livemode: boolean;
  source: string;
  status: WebhookEventStatus;
  attempts: number;
  lastError: string | null;
  stripeCreatedAt: string;
  receivedAt: string;
  processedAt: string | null;
}

const view = (r: WebhookEventSummary): WebhookEventView => ({
  id: r.id,
  type: r.type,
  account: r.account,
  livemode: r.livemode,
  source: r.source,
  status: r.status,
  attempts: r.attempts,
  lastError: r.lastError,
  stripeCreatedAt: new Date(r.stripeCreatedAt).toISOString(),
  receivedAt: new Date(r.receivedAt).toISOString(),
  processedAt: r.processedAt ? new Date(r.processedAt).toISOString() : null,
});

function encodeCursor(ts: string, id: string): string {
  return Buffer.from(JSON.stringify([ts, id])).toString('base64url');
}

function decodeCursor(cursor: string): { ts: string; id: string } {
  try {
    const [ts, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof ts === 'string' && typeof id === 'string' && !Number.isNaN(Date.parse(ts))) return { ts, id };
  } catch {
    // fall through
  }
  throw badRequest('INVALID_CURSOR', 'cursor is not one this endpoint returned');
}

/** The admin's view of the inbox: list, inspect, replay. */
@Injectable()
export class WebhookEventsService {
  constructor(
    private readonly events: WebhookEventRepository,
    private readonly queue: WebhookQueueService,
  ) {}

  async list(q: {
    status?: WebhookEventStatus;
    type?: string;
    limit?: number;
    cursor?: string;
  }): Promise<{ data: WebhookEventView[]; nextCursor: string | null }> {
    const limit = q.limit ?? 20;
    const rows = await this.events.list({ status: q.status, type: q.type, after: q.cursor ? decodeCursor(q.cursor) : undefined }, limit + 1);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { data: page.map(view), nextCursor: rows.length > limit && last ? encodeCursor(last.cursorTs, last.id) : null };
  }

  async get(id: string): Promise<WebhookEventView & { payload: unknown }> {
    const row = await this.events.findById(id);
    if (!row) throw notFound('WEBHOOK_EVENT_NOT_FOUND', `No webhook event ${id}`);
    return { ...view(row), payload: row.payload };
  }

  /** Puts a FAILED (or IGNORED / stuck) event back on the queue. 409 once it has taken effect. */
  async replay(id: string): Promise<WebhookEventView & { enqueued: boolean }> {
    const row = await this.events.resetForReplay(id);
    if (!row) throw notFound('WEBHOOK_EVENT_NOT_FOUND', `No webhook event ${id}`);
    if (row === 'PROCESSED') throw conflict('WEBHOOK_EVENT_ALREADY_PROCESSED', `Webhook event ${id} has already been processed`);
    // the row is RECEIVED again: if Redis is unavailable now, the sweeper enqueues it later
    const enqueued = await this.queue.ensureJob(id, { replaceLive: true }).catch(() => false);
    return { ...view(row), enqueued };
  }

  async stats() {
    return this.events.countByStatus();
  }
}
