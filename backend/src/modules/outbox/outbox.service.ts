import { Inject, Injectable, Optional } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import { DataSource, EntityManager } from 'typeorm';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/env.schema';
import { emailFor, EmailKind } from '../notifications/domain/email-kinds';

export type RealtimeEventName = 'payment:update' | 'wallet:update' | 'payout:update' | 'collaboration:update' | 'dispute:update' | 'retainer:update';

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
/** The SQL expression `deferNotify` runs, for a statement that can carry it along (no round trip of its own). */
export const DEFER_NOTIFY_SQL = `set_config('collabpay.outbox_notify', 'after_commit', true)`;

@Injectable()
export class OutboxService {
  readonly committed = new EventEmitter();

  private notifying?: Promise<void>;
  private notifyAgain = false;

  /** Without a configuration (benchmarks writing rows directly) no email is queued; without a DataSource no NOTIFY is sent. */
  constructor(
    @Optional() @Inject(APP_CONFIG) private readonly cfg?: AppConfig,
    @Optional() private readonly ds?: DataSource,
  ) {}

  /**
   * In a busy writer's transaction (the webhook workers): the commit does not NOTIFY the relays (see the migration
   * OutboxNotifyAfterCommit); call `publishCommitted` after the commit instead. One round trip.
   */
  async deferNotify(em: EntityManager): Promise<void> {
    await em.query(`SELECT ${DEFER_NOTIFY_SQL}`);
  }

  /**
   * After a commit whose NOTIFY was deferred: wakes the relays of this process at once, and of every process
   * with one NOTIFY; concurrent calls share the NOTIFY in flight and at most one more after it (coalesced).
   * A NOTIFY that fails (database gone) is dropped: the relays' poll picks the rows up.
   */
  publishCommitted(): Promise<void> {
    this.notifyCommitted();
    if (!this.ds) return Promise.resolve();
    if (this.notifying) {
      this.notifyAgain = true;
      return this.notifying;
    }
    const run = async () => {
      do {
        this.notifyAgain = false;
        await this.ds!.query(`SELECT pg_notify('outbox_events', '')`).catch(() => undefined);
      } while (this.notifyAgain);
    };
    this.notifying = run().finally(() => {
      this.notifying = undefined;
    });
    return this.notifying;
  }

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

  /** `append` for many rows in order, in two multi-row statements (the same rows and emails as one by one). */
  async appendMany(em: EntityManager, rows: Array<{ userId: string; event: RealtimeEventName; payload: Record<string, unknown> }>): Promise<void> {
    if (!rows.length) return;
    const ids: { id: string }[] = await em.query(
      `INSERT INTO outbox_events (user_id, event, payload)
       SELECT u, e, p FROM unnest($1::uuid[], $2::text[], $3::jsonb[]) WITH ORDINALITY AS r(u, e, p, n) ORDER BY n RETURNING id`,
      [rows.map((r) => r.userId), rows.map((r) => r.event), rows.map((r) => JSON.stringify(r.payload))],
    );
    if (!this.cfg?.mail.smtpUrl) return;
    // RETURNING gives the ids in insertion order (one ascending sequence, one statement)
    const sorted = ids.map((r) => Number(r.id)).sort((a, b) => a - b);
    const emails = rows.flatMap((r, i) => {
      const email = emailFor(r.event, r.payload, sorted[i]);
      return email ? [{ userId: r.userId, ...email, payload: r.payload }] : [];
    });
    if (!emails.length) return;
    await em.query(
      `INSERT INTO email_notifications (user_id, kind, dedupe_key, payload)
       SELECT u, k, d, p FROM unnest($1::uuid[], $2::text[], $3::text[], $4::jsonb[]) WITH ORDINALITY AS r(u, k, d, p, n) ORDER BY n
       ON CONFLICT (user_id, dedupe_key) DO NOTHING`,
      [emails.map((e) => e.userId), emails.map((e) => e.kind), emails.map((e) => e.dedupeKey), emails.map((e) => JSON.stringify(e.payload))],
    );
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
