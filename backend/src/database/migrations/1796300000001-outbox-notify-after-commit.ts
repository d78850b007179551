import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A transaction may take over its own wake-up call: with `collabpay.outbox_notify = 'after_commit'` set locally
 * (OutboxService.deferNotify), the trigger does not NOTIFY and the writer sends one coalesced NOTIFY after its
 * commit (OutboxService.publishCommitted). A NOTIFY inside a transaction holds Postgres' global notify lock
 * through the commit's WAL flush, so busy writers (the webhook workers) would queue behind each other's commits.
 * Every other writer keeps the NOTIFY at commit; the relays' poll stays as the fallback.
 */
export class OutboxNotifyAfterCommit1796300000001 implements MigrationInterface {
  name = 'OutboxNotifyAfterCommit1796300000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION outbox_events_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF current_setting('collabpay.outbox_notify', true) IS DISTINCT FROM 'after_commit' THEN
          PERFORM pg_notify('outbox_events', '');
        END IF;
        RETURN NULL;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION outbox_events_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('outbox_events', '');
        RETURN NULL;
      END $$`);
  }
}
