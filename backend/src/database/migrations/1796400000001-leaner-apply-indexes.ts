import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Fewer index entries per applied webhook event (each new row version of a table is one entry in each of its
 * indexes unless the update is HOT):
 * - `webhook_events_status_idx (status, received_at)` got an entry for the stored row and one for the row marked
 *   PROCESSED: two per event. What it served is covered by the partial indexes: RECEIVED rows (the sweeper's
 *   `findStale`, the per-event path's `lockWaiting`, the admin list of RECEIVED events) by
 *   `webhook_events_waiting_idx`, the retention job by `webhook_events_done_idx`, and the admin list of FAILED
 *   events (the ones that need a look) by the new `webhook_events_failed_idx`, which only FAILED rows enter.
 * - the realtime `seq` is unique per user only once given (the relay numbers rows after their commit): rows are
 *   now stored without an entry for their NULL seq (one less per outbox row, two per payment event).
 */
export class LeanerApplyIndexes1796400000001 implements MigrationInterface {
  name = 'LeanerApplyIndexes1796400000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX webhook_events_failed_idx ON webhook_events (received_at) WHERE status = 'FAILED'`);
    await q.query(`DROP INDEX webhook_events_status_idx`);
    await q.query(`CREATE UNIQUE INDEX outbox_events_user_seq_uq ON outbox_events (user_id, seq) WHERE seq IS NOT NULL`);
    await q.query(`ALTER TABLE outbox_events DROP CONSTRAINT outbox_events_user_id_seq_key`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE outbox_events ADD CONSTRAINT outbox_events_user_id_seq_key UNIQUE (user_id, seq)`);
    await q.query(`DROP INDEX IF EXISTS outbox_events_user_seq_uq`);
    await q.query(`CREATE INDEX webhook_events_status_idx ON webhook_events (status, received_at)`);
    await q.query(`DROP INDEX IF EXISTS webhook_events_failed_idx`);
  }
}
