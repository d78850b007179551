import { Inject, Injectable, Optional } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import { EntityManager } from 'typeorm';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/env.schema';
import { emailFor, EmailKind } from '../notifications/domain/email-kinds';

export type RealtimeEventName = 'payment:update' | 'wallet:update' | 'payout:update' | 'collaboration:update' | 'dispute:update';

export interface OutboxRow {
  id: number;
  userId: string;
  seq: number;
  event: RealtimeEventName;
  payload: Record<string, unknown>;
  createdAt: Date;
}

/**
 * The transactional outbox for realtime events. Call `append` inside the same transaction as the state change;
 * the realtime relay emits committed rows to the user's room in seq order. `committed` fires after a
 * transaction that appended rows commits (callers use `afterCommit`), so the relay can wake up at once.
 */
@Injectable()
export class OutboxService {
  readonly committed = new EventEmitter();

  /** Without a configuration (benchmarks writing rows directly) no email is queued. */
  constructor(@Optional() @Inject(APP_CONFIG) private readonly cfg?: AppConfig) {}

  /**
   * Appends one event for one user. Must run inside the transaction of the change it describes. The per-user
   * `seq` is given by the relay when it sends the row (in the order rows become visible), so that concurrent
   * transactions of one user never wait for each other here.
   */
  async append(em: EntityManager, userId: string, event: RealtimeEventName, payload: Record<string, unknown>): Promise<{ id: number }> {
    const [{ id }] = await em.query(`INSERT INTO outbox_events (user_id, event, payload) VALUES ($1, $2, $3) RETURNING id`, [
      userId,
      event,
      JSON.stringify(payload),
    ]);
    const email = emailFor(event, payload, id);
    if (email) await this.queueEmail(em, userId, email.kind, email.dedupeKey, payload);
    return { id };
  }

  /**
   * Queues an email in the caller's transaction (sent after commit by the notifications dispatcher; one per
   * user and `dedupeKey`). Events that are not realtime updates (a reminder, a requirement due) call it directly.
   * Nothing is queued while email is off (no SMTP_URL).
   */
  async queueEmail(em: EntityManager, userId: string, kind: EmailKind, dedupeKey: string, payload: Record<string, unknown>): Promise<void> {
    if (!this.cfg?.mail.smtpUrl) return;
    await em.query(
      `INSERT INTO email_notifications (user_id, kind, dedupe_key, payload) VALUES ($1, $2, $3, $4) ON CONFLICT (user_id, dedupe_key) DO NOTHING`,
      [userId, kind, dedupeKey, JSON.stringify(payload)],
    );
  }

  /** Tell the relay that new rows are committed (call after the transaction resolves). */
  notifyCommitted(): void {
    this.committed.emit('rows');
  }
}
