import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createDataSource } from '../../src/database/data-source';
import { createTestDatabase } from '../support/database';

/**
 * A user's realtime `seq` is unique once given (migration LeanerApplyIndexes: a partial unique index, so rows
 * waiting for their seq have no index entry): a second row with a seq the user already has is refused; any number
 * of rows may wait unnumbered.
 */
describe('outbox seq uniqueness', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let ds: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase('outboxseq');
    ds = await createDataSource(db.url).initialize();
  }, 60_000);
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  const insert = (userId: string, seq: number | null) =>
    ds.query(`INSERT INTO outbox_events (user_id, seq, event, payload) VALUES ($1, $2, 'payment:update', '{}'::jsonb) RETURNING id`, [userId, seq]);

  it('refuses a seq twice for one user (insert or numbering update), allows many unnumbered rows and the same seq for another user', async () => {
    const user = randomUUID();
    await insert(user, null);
    await insert(user, null);
    await insert(user, 1);
    await expect(insert(user, 1)).rejects.toMatchObject({ code: '23505' });
    await insert(randomUUID(), 1);
    const [[{ id }]] = [await insert(user, null)];
    await expect(ds.query(`UPDATE outbox_events SET seq = 1 WHERE id = $1`, [id])).rejects.toMatchObject({ code: '23505' });
    await ds.query(`UPDATE outbox_events SET seq = 2 WHERE id = $1`, [id]);
    const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM outbox_events WHERE user_id = $1 AND seq IS NULL`, [user]);
    expect(n).toBe(2);
  });
});
