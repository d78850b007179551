import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { OutboxEventRow } from './realtime-event';

/** Serialises relays across instances (advisory locks are scoped to the database). */
const RELAY_LOCK_KEY = 727_107;

interface RawRow {
  id: number;
  user_id: string;
  seq: number;
  event: OutboxEventRow['event'];
  payload: Record<string, unknown>;
  created_at: Date;
}

const fromRaw = (r: RawRow): OutboxEventRow => ({
  id: Number(r.id),
  userId: r.user_id,
  seq: Number(r.seq),
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
   * One relay step in one transaction: take the relay lock (one relay at a time across all instances, so a
   * user's rows can never be split between two relays and overtake each other), lock up to `limit` unsent
   * committed rows in id order, hand them to `emit`, mark them sent, commit. If anything fails before the
   * commit, the rows stay unsent and are emitted again later with the same seq (at-least-once, never a new seq).
   */
  async relayBatch(limit: number, emit: (rows: OutboxEventRow[]) => void): Promise<number> {
    const qr = this.ds.createQueryRunner();
    await qr.connect();
    try {
      await qr.startTransaction('READ COMMITTED');
      await qr.query(`SET LOCAL lock_timeout = '5s'`);
      await qr.query(`SELECT pg_advisory_xact_lock($1)`, [RELAY_LOCK_KEY]);
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
      emit(rows);
      await qr.query(`UPDATE outbox_events SET sent_at = now() WHERE id = ANY($1::bigint[])`, [rows.map((r) => r.id)]);
      await qr.commitTransaction();
      return rows.length;
    } catch (e) {
      if (qr.isTransactionActive) await qr.rollbackTransaction().catch(() => undefined);
      throw e;
    } finally {
      await qr.release();
    }
  }

  /** Committed rows of one user with seq > since, oldest first (sent or not: `sync` is about what the client missed). */
  async listSince(userId: string, since: number, limit: number): Promise<OutboxEventRow[]> {
    const raw: RawRow[] = await this.ds.query(
      `SELECT id, user_id, seq, event, payload, created_at FROM outbox_events
        WHERE user_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
      [userId, since, limit],
    );
    return raw.map(fromRaw);
  }
}
