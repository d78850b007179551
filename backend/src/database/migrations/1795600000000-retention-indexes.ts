import { MigrationInterface, QueryRunner } from 'typeorm';

/** Indexes for the retention job: old sent outbox rows and old processed inbox rows are found without a scan. */
export class RetentionIndexes1795600000000 implements MigrationInterface {
  name = 'RetentionIndexes1795600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX outbox_events_sent_at_idx ON outbox_events (sent_at) WHERE sent_at IS NOT NULL`);
    await q.query(`CREATE INDEX webhook_events_done_idx ON webhook_events (processed_at) WHERE status IN ('PROCESSED', 'IGNORED')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS webhook_events_done_idx`);
    await q.query(`DROP INDEX IF EXISTS outbox_events_sent_at_idx`);
  }
}
