import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { OutboxEventRow } from './realtime-event';

/** Namespace (first key) of the relay's partition locks; the second key is the partition number. */
const RELAY_LOCK_NS = 727_107;

/** The relay partition of a row: a hash of its user id (stable across processes: `hashtext` is PostgreSQL's own). */
const PARTITION_OF = `(hashtext(user_id::text) & 2147483647) % $1::int`;

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

/** Partitions with unsent rows, and how old the oldest one is. */
export interface PendingPartition {
  partition: number;
  oldestMs: number;
}

/** What one relay step did. */
export interface RelayStep {
  /** The partitions whose lock this step held (the others were being relayed by another instance). */
  locked: number[];
  /** Rows emitted and marked sent. */
  sent: number;
  /** The partition of each row sent. */
  sentPartitions: number[];
  /** Rows given their seq (emitted by the next step). */
  numbered: number;
}

/** A live relay, as seen in `outbox_relay_members`. */
export interface RelayMember {
  instanceId: string;
  partitions: number;
}

/** Data access for the realtime side of `outbox_events` (the writing side is OutboxService.append). */
@Injectable()
export class OutboxEventRepository {
  constructor(private readonly ds: DataSource) {}

  /** Partitions (of `partitions`) holding unsent rows; cheap (partial index on unsent rows). */
  async pendingPartitions(partitions: number): Promise<PendingPartition[]> {
    const rows: Array<{ p: number; age_ms: number }> = await this.ds.query(
      `SELECT ${PARTITION_OF} AS p, floor(extract(epoch FROM clock_timestamp() - min(created_at)) * 1000)::int AS age_ms
         FROM outbox_events WHERE sent_at IS NULL GROUP BY 1`,
      [partitions],
    );
    return rows.map((r) => ({ partition: Number(r.p), oldestMs: Number(r.age_ms) }));
  }

  /**
   * One relay step over the wanted partitions, in one transaction: it takes the transaction-level advisory lock of
   * each partition it can (`pg_try_advisory_xact_lock`; a partition locked by another instance is skipped), then
   * 1. marks sent up to `limit` unsent rows of those partitions that already have their seq;
   * 2. gives up to `limit` rows without a seq their user's next seqs, in id order (= the order in which they became
   *    visible to the relays of that partition), which the commit makes final; the next step emits them;
   * 3. emits the rows of 1, in seq order, right before the commit (a crash or failure before the commit leaves them
   *    unsent: they are emitted again with that seq).
   * So one relay at a time works on a partition (all of a user's rows), seqs are gap-free and in send order, a row
   * never gets two seqs, and one emitted but not marked sent is resent with the same seq (clients drop seq <= last).
   * The locks vanish with the transaction: an instance that dies hands its partitions over at once.
   */
  async relayStep(partitions: number, wanted: number[], limit: number, emit: (rows: OutboxEventRow[]) => void): Promise<RelayStep> {
    return this.ds.transaction('READ COMMITTED', async (em) => {
      const [{ got }]: Array<{ got: number[] | null }> = await em.query(
        `SELECT array_agg(p ORDER BY p) AS got FROM unnest($1::int[]) AS p WHERE pg_try_advisory_xact_lock($2, p)`,
        [wanted, RELAY_LOCK_NS],
      );
      const locked = (got ?? []).map(Number);
      if (!locked.length) return { locked, sent: 0, sentPartitions: [], numbered: 0 };
      const ready: Array<RawRow & { part: number }> = await em.query(
        `SELECT id, user_id, seq, event, payload, created_at, ${PARTITION_OF} AS part FROM outbox_events
          WHERE sent_at IS NULL AND seq IS NOT NULL AND ${PARTITION_OF} = ANY($2::int[])
          ORDER BY seq, id LIMIT $3 FOR UPDATE`,
        [partitions, locked, limit],
      );
      if (ready.length) await em.query(`UPDATE outbox_events SET sent_at = now() WHERE id = ANY($1::bigint[])`, [ready.map((r) => r.id)]);
      const numbered = await this.number(em, partitions, locked, limit);
      // last before the commit: a failure up to here leaves nothing emitted; one after it (the commit) leaves rows
      // emitted but unsent, which go out again with the same seq
      if (ready.length) emit(ready.map(fromRaw));
      return { locked, sent: ready.length, sentPartitions: ready.map((r) => Number(r.part)), numbered };
    });
  }

  /** Gives up to `limit` unnumbered rows of the locked partitions their users' next seqs, in id order. */
  private async number(em: EntityManager, partitions: number, locked: number[], limit: number): Promise<number> {
    const fresh: Array<{ id: number; user_id: string }> = await em.query(
      `SELECT id, user_id FROM outbox_events
        WHERE sent_at IS NULL AND seq IS NULL AND ${PARTITION_OF} = ANY($2::int[])
        ORDER BY id LIMIT $3 FOR UPDATE`,
      [partitions, locked, limit],
    );
    if (!fresh.length) return 0;
    const perUser = new Map<string, number>();
    for (const r of fresh) perUser.set(r.user_id, (perUser.get(r.user_id) ?? 0) + 1);
    const counters: Array<{ user_id: string; last_seq: number }> = await em.query(
      `INSERT INTO user_event_seqs (user_id, last_seq) SELECT u, n FROM unnest($1::uuid[], $2::bigint[]) AS t(u, n)
       ON CONFLICT (user_id) DO UPDATE SET last_seq = user_event_seqs.last_seq + EXCLUDED.last_seq
       RETURNING user_id, last_seq`,
      [[...perUser.keys()], [...perUser.values()]],
    );
    const next = new Map(counters.map((c) => [c.user_id, Number(c.last_seq) - perUser.get(c.user_id)! + 1]));
    const seqs = fresh.map((r) => {
      const seq = next.get(r.user_id)!;
      next.set(r.user_id, seq + 1);
      return seq;
    });
    await em.query(`UPDATE outbox_events o SET seq = v.seq FROM unnest($1::bigint[], $2::bigint[]) AS v(id, seq) WHERE o.id = v.id`, [
      fresh.map((r) => r.id),
      seqs,
    ]);
    return fresh.length;
  }

  /** Records this relay as alive (and forgets relays silent for `ttlMs`); returns the live relays, by id. */
  async heartbeat(instanceId: string, partitions: number, ttlMs: number): Promise<RelayMember[]> {
    await this.ds.query(
      `INSERT INTO outbox_relay_members (instance_id, partitions, seen_at) VALUES ($1, $2, now())
       ON CONFLICT (instance_id) DO UPDATE SET partitions = EXCLUDED.partitions, seen_at = now()`,
      [instanceId, partitions],
    );
    await this.ds.query(`DELETE FROM outbox_relay_members WHERE seen_at < now() - make_interval(secs => $1::double precision / 1000)`, [ttlMs]);
    const rows: Array<{ instance_id: string; partitions: number }> = await this.ds.query(
      `SELECT instance_id, partitions FROM outbox_relay_members ORDER BY instance_id`,
    );
    return rows.map((r) => ({ instanceId: r.instance_id, partitions: Number(r.partitions) }));
  }

  /** A relay that stops leaves at once, so the others take its partitions without waiting for the ttl. */
  async leave(instanceId: string): Promise<void> {
    await this.ds.query(`DELETE FROM outbox_relay_members WHERE instance_id = $1`, [instanceId]);
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
