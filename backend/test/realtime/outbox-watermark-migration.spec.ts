import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createDataSource } from '../../src/database/data-source';
import { OutboxSentWatermark1796500000000 } from '../../src/database/migrations/1796500000000-outbox-sent-watermark';
import { createTestDatabase } from '../support/database';

/**
 * Migration OutboxSentWatermark on rows written before it (`sent_at` per row): each user's watermark starts below
 * the first numbered row not yet sent, so those rows (and the unnumbered ones) still go out, with the seqs they have.
 */
describe('migration: outbox sent watermark on existing rows', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let ds: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase('outbox-watermark');
    ds = await createDataSource(db.url).initialize();
  }, 60_000);
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('down, rows sent and not, up: sent_seq below the first unsent seq, or the last seq when all went out', async () => {
    const migration = new OutboxSentWatermark1796500000000();
    const qr = ds.createQueryRunner();
    try {
      await migration.down(qr);
      const [partly, allSent, fresh] = [randomUUID(), randomUUID(), randomUUID()];
      // partly: seqs 1-2 sent, 3-4 numbered but unsent, one row without a seq yet; allSent: 1-3 sent
      await qr.query(`INSERT INTO user_event_seqs (user_id, last_seq) VALUES ($1, 4), ($2, 3)`, [partly, allSent]);
      await qr.query(
        `INSERT INTO outbox_events (user_id, seq, event, payload, sent_at) VALUES
           ($1, 1, 'payment:update', '{}', now()), ($1, 2, 'payment:update', '{}', now()),
           ($1, 3, 'payment:update', '{}', NULL), ($1, 4, 'payment:update', '{}', NULL), ($1, NULL, 'payment:update', '{}', NULL),
           ($2, 1, 'payment:update', '{}', now()), ($2, 2, 'payment:update', '{}', now()), ($2, 3, 'payment:update', '{}', now()),
           ($3, NULL, 'payment:update', '{}', NULL)`,
        [partly, allSent, fresh],
      );
      await migration.up(qr);
      const rows: Array<{ user_id: string; last_seq: string; sent_seq: string }> = await qr.query(
        `SELECT user_id, last_seq, sent_seq FROM user_event_seqs WHERE user_id = ANY($1::uuid[])`,
        [[partly, allSent, fresh]],
      );
      const of = Object.fromEntries(rows.map((r) => [r.user_id, `${r.sent_seq}/${r.last_seq}`]));
      expect(of).toEqual({ [partly]: '2/4', [allSent]: '3/3' });
      const seqs = await qr.query(`SELECT seq FROM outbox_events WHERE user_id = $1 ORDER BY id`, [partly]);
      expect(seqs.map((r: { seq: string | null }) => (r.seq === null ? null : Number(r.seq)))).toEqual([1, 2, 3, 4, null]);
      // the watermark may never pass the last seq given
      await expect(qr.query(`UPDATE user_event_seqs SET sent_seq = 5 WHERE user_id = $1`, [partly])).rejects.toMatchObject({ code: '23514' });
    } finally {
      await qr.release();
    }
  });
});
