import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { OutboxEventRow } from './realtime-event';

/** Serialises relays across instances (advisory locks are scoped to the database). */
const RELAY_LOCK_KEY = 727_107;

interface RawRow {
  id: number;
  user_id: string;
  seq: number | null;
  event: OutboxEventRow['event'];
  payload: Record<string, unknown>;
  created_at: Date;
}

const fromRaw = (r: RawRow): OutboxEventRow => ({
  id: Number(r.id),
  userId: r.user_id,
  seq: r.seq === null ? 0 : Number(r.seq),
  event: r.event,
  payload: r.payload,
  createdAt: new Date(r.created_at),
});

/** Data access for the realtime side of `outbox_events` (the writing side is OutboxService.append). */
@Injectable()
export class OutboxEventRepository {
  constructor(private readonly ds: DataSource) {}

  /** Cheap check used by the poll before it opens a transaction (partial index on unsent rows). */
  async hasUnsent(): Promise<boolean> {
    const rows = await this.ds.query(`SELECT 1 FROM outbox_events WHERE sent_at IS NULL LIMIT 1`);
    return rows.length > 0;
  }

  /**
   * One relay step. Holds the relay lock for the whole step (one relay at a time across all instances, so a
   * user's rows can never be split between two relays and overtake each other). In one transaction it locks up
   * to `limit` unsent committed rows in id order and gives those without a seq the user's next seqs (so seq order
   * is the order in which rows became visible); that commit makes the seqs final. Then it hands the rows to
   * `emit` and marks them sent. If anything fails after the commit, the rows are emitted again later with the
   * same seq (at-least-once, never a new seq; clients drop seqs they have seen).
   */
  async relayBatch(limit: number, emit: (rows: OutboxEventRow[]) => void): Promise<number> {
    const qr = this.ds.createQueryRunner();
    await qr.connect();
    let locked = false;
    try {
      await qr.query(`SET lock_timeout = '5s'`);
      await qr.query(`SELECT pg_advisory_lock($1)`, [RELAY_LOCK_KEY]);
      locked = true;
      await qr.startTransaction('READ COMMITTED');
      const raw: RawRow[] = await qr.query(
        `SELECT id, user_id, seq, event, payload, created_at FROM outbox_events
          WHERE sent_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [limit],
      );
      if (raw.length === 0) {
        await qr.commitTransaction();
        return 0;
      }
      const rows = raw.map(fromRaw);
      const fresh = rows.filter((r) => !Number.isSafeInteger(r.seq) || r.seq <= 0);
      if (fresh.length) {
        const perUser = new Map<string, number>();
        for (const r of fresh) perUser.set(r.userId, (perUser.get(r.userId) ?? 0) + 1);
        const counters: Array<{ user_id: string; last_seq: number }> = await qr.query(
          `INSERT INTO user_event_seqs (user_id, last_seq) SELECT u, n FROM unnest($1::uuid[], $2::bigint[]) AS t(u, n)
           ON CONFLICT (user_id) DO UPDATE SET last_seq = user_event_seqs.last_seq + EXCLUDED.last_seq
           RETURNING user_id, last_seq`,
          [[...perUser.keys()], [...perUser.values()]],
        );
        const next = new Map(counters.map((c) => [c.user_id, Number(c.last_seq) - perUser.get(c.user_id)! + 1]));
        for (const r of fresh) {
          r.seq = next.get(r.userId)!;
          next.set(r.userId, r.seq + 1);
        }
        await qr.query(`UPDATE outbox_events o SET seq = v.seq FROM unnest($1::bigint[], $2::bigint[]) AS v(id, seq) WHERE o.id = v.id`, [
          fresh.map((r) => r.id),
          fresh.map((r) => r.seq),
        ]);
      }
      await qr.commitTransaction();
      emit(rows);
      await qr.query(`UPDATE outbox_events SET sent_at = now() WHERE id = ANY($1::bigint[])`, [rows.map((r) => r.id)]);
      return rows.length;
    } catch (e) {
      if (qr.isTransactionActive) await qr.rollbackTransaction().catch(() => undefined);
      throw e;
    } finally {
      if (locked) await qr.query(`SELECT pg_advisory_unlock($1)`, [RELAY_LOCK_KEY]).catch(() => undefined);
      // lock_timeout is a session setting: the pooled connection must not keep it for its next user
      await qr.query(`RESET lock_timeout`).catch(() => undefined);
      await qr.release();
    }
  }

  /** Committed rows of one user with seq > since, oldest first (sent or not: `sync` is about what the client missed). */
  async listSince(userId: string, since: number, limit: number): Promise<OutboxEventRow[]> {
    const raw: RawRow[] = await this.ds.query(
      `SELECT id, user_id, seq, event, payload, created_at FROM outbox_events
        WHERE user_id = $1 AND seq IS NOT NULL AND seq > $2 ORDER BY seq LIMIT $3`,
      [userId, since, limit],
    );
    return raw.map(fromRaw);
  }
}
