import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the relay has sent is now one number per user, `user_event_seqs.sent_seq` (every row of the user with
 * seq <= sent_seq went out), instead of a `sent_at` written into every outbox row. An outbox row is now written
 * twice (stored, then numbered by the relay) instead of three times, and the relay marks a step's rows sent with
 * one update per user instead of one per row: in the webhook bench the outbox was about a third of PostgreSQL's
 * time per applied payment event (three row versions per row, each with entries in every index).
 * - `sent_seq <= last_seq` always; the relay's work is the users with `last_seq > sent_seq` (a partial index) and
 *   the rows without a seq (another one).
 * - Retention deletes sent rows by their age (`created_at`, a BRIN index: nearly free to keep up to date).
 * Rows already numbered but not sent keep their seqs: the watermark starts below the first of them.
 */
export class OutboxSentWatermark1796500000000 implements MigrationInterface {
  name = 'OutboxSentWatermark1796500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE user_event_seqs ADD COLUMN sent_seq bigint NOT NULL DEFAULT 0`);
    await q.query(
      `UPDATE user_event_seqs s SET sent_seq = COALESCE(
         (SELECT min(o.seq) - 1 FROM outbox_events o WHERE o.user_id = s.user_id AND o.seq IS NOT NULL AND o.sent_at IS NULL), s.last_seq)`,
    );
    await q.query(`ALTER TABLE user_event_seqs ADD CONSTRAINT user_event_seqs_sent_not_ahead CHECK (sent_seq >= 0 AND sent_seq <= last_seq)`);
    await q.query(`CREATE INDEX user_event_seqs_unsent_idx ON user_event_seqs (user_id) WHERE last_seq > sent_seq`);
    await q.query(`CREATE INDEX outbox_unnumbered_idx ON outbox_events (id) WHERE seq IS NULL`);
    await q.query(`CREATE INDEX outbox_events_created_brin ON outbox_events USING brin (created_at)`);
    await q.query(`DROP INDEX outbox_unsent_idx`);
    await q.query(`DROP INDEX outbox_events_sent_at_idx`);
    await q.query(`ALTER TABLE outbox_events DROP CONSTRAINT outbox_events_sent_has_seq`);
    await q.query(`ALTER TABLE outbox_events DROP COLUMN sent_at`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE outbox_events ADD COLUMN sent_at timestamptz`);
    await q.query(`UPDATE outbox_events o SET sent_at = o.created_at FROM user_event_seqs s WHERE s.user_id = o.user_id AND o.seq <= s.sent_seq`);
    await q.query(`ALTER TABLE outbox_events ADD CONSTRAINT outbox_events_sent_has_seq CHECK (sent_at IS NULL OR seq IS NOT NULL)`);
    await q.query(`CREATE INDEX outbox_events_sent_at_idx ON outbox_events (sent_at) WHERE sent_at IS NOT NULL`);
    await q.query(`CREATE INDEX outbox_unsent_idx ON outbox_events (id) WHERE sent_at IS NULL`);
    await q.query(`DROP INDEX outbox_events_created_brin`);
    await q.query(`DROP INDEX outbox_unnumbered_idx`);
    await q.query(`DROP INDEX user_event_seqs_unsent_idx`);
    await q.query(`ALTER TABLE user_event_seqs DROP CONSTRAINT user_event_seqs_sent_not_ahead`);
    await q.query(`ALTER TABLE user_event_seqs DROP COLUMN sent_seq`);
  }
}
