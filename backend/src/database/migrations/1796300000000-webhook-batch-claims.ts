import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Set-based apply: a worker claims a batch of waiting events of one type (`claimed_until`) before it reads Stripe
 * for them, so concurrent workers prepare disjoint batches; a claim left by a dead worker simply expires.
 */
export class WebhookBatchClaims1796300000000 implements MigrationInterface {
  name = 'WebhookBatchClaims1796300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE webhook_events ADD COLUMN claimed_until timestamptz`);
    await q.query(`CREATE INDEX webhook_events_waiting_idx ON webhook_events (type, received_at) WHERE status = 'RECEIVED'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS webhook_events_waiting_idx`);
    await q.query(`ALTER TABLE webhook_events DROP COLUMN IF EXISTS claimed_until`);
  }
}
