import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The outbox relay is partitioned by user (README "Scaling out"): each running relay heartbeats a row here, and
 * the live rows decide which instance prefers which partition. Mutual exclusion does not depend on this table
 * (transaction-level advisory locks do that); it only spreads the work and hands it over when a relay leaves.
 */
export class RelayMembers1796200000017 implements MigrationInterface {
  name = 'RelayMembers1796200000017';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE outbox_relay_members (
        instance_id text PRIMARY KEY,
        partitions int NOT NULL,
        seen_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE outbox_relay_members`);
  }
}
