import { Injectable } from '@nestjs/common';
import type { Pool, PoolClient, QueryResult } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import type { OutboxEventRow } from './realtime-event';

/** Namespace (first key) of the relay's partition locks; the second key is the partition number. */
const RELAY_LOCK_NS = 727_107;

/**
 * The relay partition of a user id column (`$1` = the number of partitions): a hash of the id, stable across
 * processes (`hashtext` is PostgreSQL's own).
 */
const partitionOf = (userId: string) => `(hashtext(${userId}::text) & 2147483647) % $1::int`;
const PARTITION_OF = partitionOf('user_id');

interface RawRow {
  id: number;
  user_id: string;
  seq: number | null;
  event: OutboxEventRow['event'];
  payload: Record<string, unknown>;
  created_at: Date;
}

const fail = (why: string): never => {
  throw new Error(why);
};

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

  /**
   * Partitions (of `partitions`) holding unsent rows (rows without a seq, users whose last seq is past what was
   * sent), with the age of the oldest such row; cheap (two partial indexes).
   */
  async pendingPartitions(partitions: number): Promise<PendingPartition[]> {
    const rows: Array<{ p: number; age_ms: number }> = await this.ds.query(
      `SELECT p, floor(extract(epoch FROM clock_timestamp() - min(t)) * 1000)::int AS age_ms FROM (
         SELECT ${PARTITION_OF} AS p, created_at AS t FROM outbox_events WHERE seq IS NULL
         UNION ALL
         SELECT ${partitionOf('s.user_id')}, o.created_at
           FROM user_event_seqs s JOIN outbox_events o ON o.user_id = s.user_id AND o.seq = s.sent_seq + 1
          WHERE s.last_seq > s.sent_seq
       ) x GROUP BY 1`,
      [partitions],
    );
    return rows.map((r) => ({ partition: Number(r.p), oldestMs: Number(r.age_ms) }));
  }

  /**
   * One relay step over the wanted partitions, in one transaction: it takes the transaction-level advisory lock of
   * each partition it can (`pg_try_advisory_xact_lock`; a partition locked by another instance is skipped), then
   * 1. marks sent up to `limit` unsent rows of those partitions that already have their seq (each user's sent
   *    watermark `user_event_seqs.sent_seq` moves up over them: one update per user, none per row);
   * 2. gives up to `limit` rows without a seq their user's next seqs, in id order (= the order in which they became
   *    visible to the relays of that partition), which the commit makes final; the next step emits them;
   * 3. emits the rows of 1, in seq order, right before the commit (a crash or failure before the commit leaves them
   *    unsent: they are emitted again with that seq).
   * So one relay at a time works on a partition (all of a user's rows), seqs are gap-free and in send order, a row
   * never gets two seqs, and one emitted but not marked sent is resent with the same seq (clients drop seq <= last).
   * The locks vanish with the transaction: an instance that dies hands its partitions over at once.
   *
   * Four round trips on one pooled connection: BEGIN and the locks (one simple query: the partition numbers are
   * checked integers), 1 (one statement: the watermarks moved and the rows under them read), 2 (one statement), COMMIT. Each statement after the locks takes
   * its own snapshot (READ COMMITTED), so it sees everything committed before the locks were granted.
   */
  async relayStep(partitions: number, wanted: number[], limit: number, emit: (rows: OutboxEventRow[]) => void): Promise<RelayStep> {
    const ints = (xs: number[]) => xs.map((x) => (Number.isSafeInteger(x) && x >= 0 ? x : fail(`bad partition ${x}`))).join(',');
    const pool = (this.ds.driver as PostgresDriver).master as Pool;
    const client = await pool.connect();
    // a checked-out client has no listener of the pool's: a connection dropped between two queries (PostgreSQL
    // restarted, the session killed) would be an unhandled 'error' event and take the process down. Kept here, it
    // shows as the next query's failure, and the client is then discarded instead of going back to the pool.
    let broken: Error | undefined;
    const onError = (e: Error) => (broken = e);
    client.on('error', onError);
    const release = (err?: Error) => {
      client.off('error', onError);
      client.release(err ?? broken);
    };
    try {
      const res = (await client.query(
        `BEGIN; SELECT array_agg(p ORDER BY p) AS got FROM unnest('{${ints(wanted)}}'::int[]) AS p WHERE pg_try_advisory_xact_lock(${RELAY_LOCK_NS}, p)`,
      )) as unknown as QueryResult[];
      const got: number[] | null = res[1].rows[0].got;
      const locked = (got ?? []).map(Number);
      if (!locked.length) {
        await client.query('COMMIT');
        release();
        return { locked, sent: 0, sentPartitions: [], numbered: 0 };
      }
      const ready = (
        await client.query<RawRow & { part: number }>(
          `WITH waiting AS (
             SELECT user_id, sent_seq, last_seq, sum(last_seq - sent_seq) OVER (ORDER BY user_id) - (last_seq - sent_seq) AS before
               FROM user_event_seqs WHERE last_seq > sent_seq AND ${PARTITION_OF} = ANY($2::int[])
           ), due AS (
             SELECT user_id, sent_seq AS after, least(last_seq, sent_seq + ($3 - before))::bigint AS upto FROM waiting WHERE before < $3
           ), marked AS (
             UPDATE user_event_seqs s SET sent_seq = d.upto FROM due d WHERE s.user_id = d.user_id
           )
           SELECT o.id, o.user_id, o.seq, o.event, o.payload, o.created_at, ${partitionOf('o.user_id')} AS part
             FROM due d JOIN outbox_events o ON o.user_id = d.user_id AND o.seq > d.after AND o.seq <= d.upto
            ORDER BY o.seq, o.id`,
          [partitions, locked, limit],
        )
      ).rows;
      const numbered = await this.number(client, partitions, locked, limit);
      // last before the commit: a failure up to here leaves nothing emitted; one after it (the commit) leaves rows
      // emitted but unsent, which go out again with the same seq
      if (ready.length) emit(ready.map(fromRaw));
      await client.query('COMMIT');
      release();
      return { locked, sent: ready.length, sentPartitions: ready.map((r) => Number(r.part)), numbered };
    } catch (e) {
      // ends the transaction (after a failed COMMIT it is a harmless no-op); a connection that cannot is not reused
      const clean = await client.query('ROLLBACK').then(
        () => true,
        () => false,
      );
      release(clean ? undefined : (e as Error));
      throw e;
    }
  }

  /**
   * Gives up to `limit` unnumbered rows of the locked partitions their users' next seqs, in id order (one statement).
   * Each row finds its user's new last seq by position (`k`, the user's rank) in one array of the bumped seqs, sorted
   * by user id like the upsert: joining the rows to the upsert's RETURNING instead compared every row with every user
   * (a nested loop over a CTE scan, quadratic in the step's size). The upsert locks the users in id order.
   */
  private async number(client: PoolClient, partitions: number, locked: number[], limit: number): Promise<number> {
    const { rows } = await client.query<{ n: number }>(
      `WITH fresh AS (
         SELECT id, user_id FROM outbox_events
          WHERE seq IS NULL AND ${PARTITION_OF} = ANY($2::int[])
          ORDER BY id LIMIT $3 FOR UPDATE
       ), ranked AS (
         SELECT id, row_number() OVER (PARTITION BY user_id ORDER BY id) AS rn, count(*) OVER (PARTITION BY user_id) AS n,
                dense_rank() OVER (ORDER BY user_id) AS k FROM fresh
       ), counts AS (
         SELECT user_id, count(*)::bigint AS n FROM fresh GROUP BY user_id ORDER BY user_id
       ), bumped AS (
         INSERT INTO user_event_seqs (user_id, last_seq) SELECT user_id, n FROM counts
         ON CONFLICT (user_id) DO UPDATE SET last_seq = user_event_seqs.last_seq + EXCLUDED.last_seq
         RETURNING user_id, last_seq
       ), seqs AS MATERIALIZED (
         SELECT array_agg(last_seq ORDER BY user_id) AS last FROM bumped
       ), numbered AS (
         UPDATE outbox_events o SET seq = s.last[r.k] - r.n + r.rn FROM ranked r, seqs s
          WHERE o.id = r.id
         RETURNING o.id
       )
       SELECT count(*)::int AS n FROM numbered`,
      [partitions, locked, limit],
    );
    return Number(rows[0].n);
  }

  /** Records this relay as alive (and forgets relays silent for `ttlMs`); returns the live relays, by id. */
  async heartbeat(instanceId: string, partitions: number, ttlMs: number): Promise<RelayMember[]> {
    // one statement (one round trip every RELAY_POLL_MS): its parts share a snapshot, so the list is the rows seen
    // fresh in it plus this relay's own as upserted
    const rows: Array<{ instance_id: string; partitions: number }> = await this.ds.query(
      `WITH me AS (
         INSERT INTO outbox_relay_members (instance_id, partitions, seen_at) VALUES ($1, $2, now())
         ON CONFLICT (instance_id) DO UPDATE SET partitions = EXCLUDED.partitions, seen_at = now()
         RETURNING instance_id, partitions
       ), gone AS (
         DELETE FROM outbox_relay_members WHERE instance_id <> $1 AND seen_at < now() - make_interval(secs => $3::double precision / 1000)
       )
       SELECT instance_id, partitions FROM me
       UNION ALL
       SELECT instance_id, partitions FROM outbox_relay_members
        WHERE instance_id <> $1 AND seen_at >= now() - make_interval(secs => $3::double precision / 1000)
       ORDER BY instance_id`,
      [instanceId, partitions, ttlMs],
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
