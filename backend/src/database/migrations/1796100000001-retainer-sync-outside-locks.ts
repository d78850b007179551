import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Retainers read their subscription from Stripe outside any row lock: each read takes a ticket first (a sequence,
 * no lock) and only a newer ticket than the last one applied may write, so syncs still land in the order they read.
 * A subscription being created is claimed on the row (card and time), so concurrent starts send the same request.
 */
export class RetainerSyncOutsideLocks1796100000001 implements MigrationInterface {
  name = 'RetainerSyncOutsideLocks1796100000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SEQUENCE retainer_sync_seq`);
    await q.query(`
      ALTER TABLE retainers
        ADD COLUMN synced_seq bigint NOT NULL DEFAULT 0,
        ADD COLUMN subscription_claim_pm text,
        ADD COLUMN subscription_claimed_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE retainers DROP COLUMN synced_seq, DROP COLUMN subscription_claim_pm, DROP COLUMN subscription_claimed_at`);
    await q.query(`DROP SEQUENCE retainer_sync_seq`);
  }
}
