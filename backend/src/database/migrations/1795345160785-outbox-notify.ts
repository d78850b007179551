import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Wakes every realtime relay when outbox rows commit, whichever process wrote them (an API instance or a
 * queue worker): NOTIFY is delivered at commit, never for a rolled-back transaction. One notification per
 * INSERT statement; Postgres folds identical ones within a transaction. The relays' poll stays as a fallback.
 */
export class OutboxNotify1795345160785 implements MigrationInterface {
  name = 'OutboxNotify1795345160785';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION outbox_events_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('outbox_events', '');
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER outbox_events_notify AFTER INSERT ON outbox_events FOR EACH STATEMENT EXECUTE FUNCTION outbox_events_notify()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER IF EXISTS outbox_events_notify ON outbox_events`);
    await q.query(`DROP FUNCTION IF EXISTS outbox_events_notify()`);
  }
}
