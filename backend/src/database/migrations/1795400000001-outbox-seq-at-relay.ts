import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A user's event `seq` is now given by the relay when it sends the row, not by the transaction that writes it:
 * taking the per-user counter row inside every money transaction made concurrent transactions of one user queue
 * behind each other (and batches of webhook events behind each other). Unsent rows may have no seq yet.
 */
export class OutboxSeqAtRelay1795400000001 implements MigrationInterface {
  name = 'OutboxSeqAtRelay1795400000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE outbox_events ALTER COLUMN seq DROP NOT NULL`);
    await q.query(`ALTER TABLE outbox_events ADD CONSTRAINT outbox_events_sent_has_seq CHECK (sent_at IS NULL OR seq IS NOT NULL)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE outbox_events DROP CONSTRAINT outbox_events_sent_has_seq`);
    await q.query(`DELETE FROM outbox_events WHERE seq IS NULL`);
    await q.query(`ALTER TABLE outbox_events ALTER COLUMN seq SET NOT NULL`);
  }
}
