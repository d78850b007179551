import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createDataSource } from '../../src/database/data-source';
import { OutboxEventRepository } from '../../src/modules/realtime/outbox-event.repository';
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

  it("numbers a step's rows per user, gap-free after the user's last seq and in id order, for many users at once", async () => {
    // 120 users in one step (numbering matches each row to its user's bumped seq by the user's rank), a third of
    // them with seqs already given, rows of the users interleaved
    await ds.query(`DELETE FROM outbox_events`); // the rows above were given seqs by hand, past their users' counters
    const users: string[] = Array.from({ length: 120 }, () => randomUUID());
    const before = new Map<string, number>();
    for (const [i, u] of users.entries()) {
      if (i % 3) continue;
      before.set(u, i + 1);
      await ds.query(`INSERT INTO user_event_seqs (user_id, last_seq) VALUES ($1, $2)`, [u, i + 1]);
    }
    const order: string[] = [];
    for (let round = 0; round < 4; round++) for (const [i, u] of users.entries()) if (round <= i % 4) order.push(u);
    await ds.query(
      `INSERT INTO outbox_events (user_id, event, payload) SELECT u, 'payment:update', '{}'::jsonb FROM unnest($1::uuid[]) WITH ORDINALITY AS x(u, n) ORDER BY n`,
      [order],
    );
    const repo = new OutboxEventRepository(ds);
    const step = await repo.relayStep(1, [0], 1000, () => undefined);
    expect(step.numbered).toBe(order.length);
    const rows: Array<{ user_id: string; seq: string }> = await ds.query(`SELECT user_id, seq FROM outbox_events WHERE user_id = ANY($1::uuid[]) ORDER BY id`, [
      users,
    ]);
    const next = new Map(users.map((u) => [u, (before.get(u) ?? 0) + 1]));
    for (const r of rows) {
      expect(Number(r.seq)).toBe(next.get(r.user_id));
      next.set(r.user_id, next.get(r.user_id)! + 1);
    }
    const last: Array<{ user_id: string; last_seq: string }> = await ds.query(`SELECT user_id, last_seq FROM user_event_seqs WHERE user_id = ANY($1::uuid[])`, [
      users,
    ]);
    expect(last).toHaveLength(users.length);
    for (const r of last) expect(Number(r.last_seq)).toBe(next.get(r.user_id)! - 1);
  });

  it("emits at most `limit` rows a step, in seq order per user, moving each user's sent watermark over what it emitted", async () => {
    await ds.query(`DELETE FROM outbox_events`);
    await ds.query(`DELETE FROM user_event_seqs`); // the users above, whose rows were deleted unsent
    const [first, second] = [randomUUID(), randomUUID()].sort();
    for (const [u, n] of [
      [first, 5],
      [second, 3],
    ] as const)
      await ds.query(
        `INSERT INTO outbox_events (user_id, event, payload) SELECT $1, 'payment:update', jsonb_build_object('n', g) FROM generate_series(1, $2::int) g`,
        [u, n],
      );
    const repo = new OutboxEventRepository(ds);
    const emitted: Array<[string, number]> = [];
    const step = (limit: number) => repo.relayStep(1, [0], limit, (rows) => emitted.push(...rows.map((r) => [r.userId, r.seq] as [string, number])));
    const sent = async () =>
      Object.fromEntries(
        (await ds.query(`SELECT user_id, sent_seq, last_seq FROM user_event_seqs WHERE user_id = ANY($1::uuid[])`, [[first, second]])).map(
          (r: { user_id: string; sent_seq: string; last_seq: string }) => [r.user_id, `${r.sent_seq}/${r.last_seq}`],
        ),
      );
    expect(await step(100)).toMatchObject({ sent: 0, numbered: 8 }); // numbered; emitted by the next steps
    expect(await sent()).toEqual({ [first]: '0/5', [second]: '0/3' });
    expect(await step(4)).toMatchObject({ sent: 4 });
    expect(await sent()).toEqual({ [first]: '4/5', [second]: '0/3' });
    expect(await step(3)).toMatchObject({ sent: 3 }); // the first user's last row, then the second's first two
    expect(await sent()).toEqual({ [first]: '5/5', [second]: '2/3' });
    expect(await step(100)).toMatchObject({ sent: 1 });
    expect(await step(100)).toMatchObject({ sent: 0, numbered: 0 });
    const of = (u: string) => emitted.filter(([x]) => x === u).map(([, seq]) => seq);
    expect(of(first)).toEqual([1, 2, 3, 4, 5]);
    expect(of(second)).toEqual([1, 2, 3]);
  });
});
