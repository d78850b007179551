import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EMAIL_KIND_LIST, EmailKind } from './domain/email-kinds';

export interface EmailRow {
  id: string;
  userId: string;
  kind: EmailKind;
  payload: Record<string, unknown>;
  attempts: number;
}

@Injectable()
export class EmailNotificationRepository {
  constructor(private readonly ds: DataSource) {}

  /**
   * Claims due rows in a short transaction of its own (SKIP LOCKED: several processes share the work); the SMTP
   * call happens after it commits, never under a row lock. A row claimed by a process that died is claimed again
   * once `staleMs` has passed.
   */
  async claim(limit: number, staleMs: number): Promise<EmailRow[]> {
    // TypeORM answers an UPDATE with [rows, affected]
    const [rows]: [EmailRow[], number] = await this.ds.query(
      `UPDATE email_notifications e SET status = 'SENDING', attempts = e.attempts + 1, claimed_at = now()
        WHERE e.id IN (
          SELECT id FROM email_notifications
           WHERE (status = 'PENDING' AND next_attempt_at <= now())
              OR (status = 'SENDING' AND claimed_at < now() - make_interval(secs => $2::float / 1000))
           ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
        RETURNING e.id::text AS id, e.user_id AS "userId", e.kind, e.payload, e.attempts`,
      [limit, staleMs],
    );
    return rows;
  }

  async markSent(id: string, messageId: string): Promise<void> {
    await this.ds.query(`UPDATE email_notifications SET status = 'SENT', sent_at = now(), message_id = $2, last_error = NULL WHERE id = $1`, [id, messageId]);
  }

  async markSkipped(id: string, why: string): Promise<void> {
    await this.ds.query(`UPDATE email_notifications SET status = 'SKIPPED', last_error = $2 WHERE id = $1`, [id, why]);
  }

  /** Back to PENDING with exponential back-off, or FAILED after `maxAttempts`. */
  async markFailed(id: string, error: string, attempts: number, maxAttempts: number, backoffMs: number): Promise<void> {
    if (attempts >= maxAttempts) {
      await this.ds.query(`UPDATE email_notifications SET status = 'FAILED', last_error = $2 WHERE id = $1`, [id, error.slice(0, 1000)]);
      return;
    }
    const delay = Math.min(backoffMs * 2 ** (attempts - 1), 3_600_000);
    await this.ds.query(
      `UPDATE email_notifications SET status = 'PENDING', last_error = $2, next_attempt_at = now() + make_interval(secs => $3::float / 1000) WHERE id = $1`,
      [id, error.slice(0, 1000), delay],
    );
  }

  async hasDue(): Promise<boolean> {
    const rows = await this.ds.query(`SELECT 1 FROM email_notifications WHERE status IN ('PENDING', 'SENDING') LIMIT 1`);
    return rows.length > 0;
  }

  /** Every kind with its setting (default on). */
  async preferences(userId: string): Promise<Record<EmailKind, boolean>> {
    const rows: Array<{ kind: EmailKind; email: boolean }> = await this.ds.query(`SELECT kind, email FROM notification_preferences WHERE user_id = $1`, [
      userId,
    ]);
    const out = Object.fromEntries(EMAIL_KIND_LIST.map((k) => [k, true])) as Record<EmailKind, boolean>;
    for (const r of rows) if (r.kind in out) out[r.kind] = r.email;
    return out;
  }

  async setPreferences(userId: string, prefs: Partial<Record<EmailKind, boolean>>): Promise<void> {
    const entries = Object.entries(prefs) as Array<[EmailKind, boolean]>;
    if (!entries.length) return;
    await this.ds.query(
      `INSERT INTO notification_preferences (user_id, kind, email)
       SELECT $1, k, e FROM unnest($2::text[], $3::boolean[]) AS t(k, e)
       ON CONFLICT (user_id, kind) DO UPDATE SET email = EXCLUDED.email, updated_at = now()`,
      [userId, entries.map(([k]) => k), entries.map(([, v]) => v)],
    );
  }

  async wants(userId: string, kind: EmailKind): Promise<boolean> {
    const rows: Array<{ email: boolean }> = await this.ds.query(`SELECT email FROM notification_preferences WHERE user_id = $1 AND kind = $2`, [userId, kind]);
    return rows[0]?.email ?? true;
  }
}
