import { Injectable } from '@nestjs/common';
import type Stripe from 'stripe';
import { DataSource, EntityManager } from 'typeorm';

export type WebhookEventStatus = 'RECEIVED' | 'PROCESSED' | 'FAILED' | 'IGNORED';
export const WEBHOOK_EVENT_STATUSES: readonly WebhookEventStatus[] = ['RECEIVED', 'PROCESSED', 'FAILED', 'IGNORED'];
export type WebhookEventSource = 'webhook' | 'reconciliation';

/** One inbox row without its payload (lists). */
export interface WebhookEventSummary {
  id: string;
  type: string;
  account: string | null;
  livemode: boolean;
  source: WebhookEventSource;
  status: WebhookEventStatus;
  attempts: number;
  lastError: string | null;
  stripeCreatedAt: Date;
  receivedAt: Date;
  processedAt: Date | null;
}

export interface WebhookEventRecord extends WebhookEventSummary {
  payload: Stripe.Event;
}

/** The inbox row as the processor sees it under its row lock. */
export interface LockedWebhookEvent {
  id: string;
  type: string;
  status: WebhookEventStatus;
  payload: Stripe.Event;
}

export interface NewWebhookEvent {
  id: string;
  type: string;
  account: string | null;
  livemode: boolean;
  created: number; // unix seconds, Stripe's `created`
  /** The event JSON exactly as received (stored as jsonb without re-serialising when given as a string). */
  payload: string;
  source: WebhookEventSource;
}

const SUMMARY = `id, type, account, livemode, source, status, attempts, last_error AS "lastError",
  stripe_created_at AS "stripeCreatedAt", received_at AS "receivedAt", processed_at AS "processedAt"`;
/** Microsecond-exact text form of received_at for keyset cursors (a JS Date would drop the microseconds). */
const CURSOR_TS = `to_char(received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "cursorTs"`;
const MAX_ERROR_LENGTH = 2000;
/** How long a batch waits for a claimed row someone else holds for a moment (see `lockClaimed`). */
const CLAIMED_LOCK_WAIT = '2s';
type Received = LockedWebhookEvent & { receivedAt: Date };
/**
 * "Still RECEIVED", for rows looked up by id: the same test as `status = 'RECEIVED'` (`status` is NOT NULL), in a
 * form the waiting index's predicate does not match. With `=`, the planner also read that whole partial index
 * (a BitmapAnd with the primary key) for a handful of ids: once per flush job and per batch, 16 µs of each applied
 * event in the webhook bench.
 */
const BY_KEY_RECEIVED = `status IS NOT DISTINCT FROM 'RECEIVED'`;
/** Claimable by a batch. '-infinity': a batch left the event to the per-event path (never batched again); a past time: a dead worker's claim. */
const FREE = `status = 'RECEIVED' AND (claimed_until IS NULL OR (claimed_until < clock_timestamp() AND claimed_until <> '-infinity'))`;
/** Claims the rows `candidates` (a query of ids) for `claimMs` (a parameter, in ms) and returns them with their payloads. */
const claimRows = (candidates: string, claimMs: string) =>
  `UPDATE webhook_events w SET claimed_until = clock_timestamp() + make_interval(secs => ${claimMs}::double precision / 1000)
    WHERE w.id IN (${candidates})
    RETURNING w.id, w.type, w.status, w.payload, w.received_at AS "receivedAt"`;

/** Data access for the `webhook_events` inbox (keyed by Stripe's event id). */
@Injectable()
export class WebhookEventRepository {
  constructor(private readonly ds: DataSource) {}

  /** Stores the event unless its id is already there. Returns the ids actually inserted (duplicates are left out). */
  async insertMany(events: NewWebhookEvent[]): Promise<string[]> {
    if (!events.length) return [];
    const params: unknown[] = [];
    const values = events.map((e) => {
      params.push(e.id, e.type, e.account, e.livemode, e.payload, e.source, e.created);
      const n = params.length;
      return `($${n - 6}, $${n - 5}, $${n - 4}, $${n - 3}, $${n - 2}::jsonb, $${n - 1}, to_timestamp($${n}))`;
    });
    const rows: { id: string }[] = await this.ds.query(
      `INSERT INTO webhook_events (id, type, account, livemode, payload, source, stripe_created_at)
       VALUES ${values.join(', ')}
       ON CONFLICT (id) DO NOTHING RETURNING id`,
      params,
    );
    return rows.map((r) => r.id);
  }

  /**
   * insertMany for the webhook endpoint, in one statement (one round trip, one commit): ids already committed
   * are left out by a plain MVCC read (NOT EXISTS) before the INSERT meets them, because an INSERT whose key
   * meets a row that a processor is updating right now waits for that transaction (and would hold up every
   * event of the batch with it). ON CONFLICT still covers ids stored concurrently.
   */
  async insertNew(events: NewWebhookEvent[]): Promise<string[]> {
    if (!events.length) return [];
    const params: unknown[] = [];
    const values = events.map((e) => {
      params.push(e.id, e.type, e.account, e.livemode, e.payload, e.source, e.created);
      const n = params.length;
      return `($${n - 6}::text, $${n - 5}::text, $${n - 4}::text, $${n - 3}::boolean, $${n - 2}::jsonb, $${n - 1}::text, to_timestamp($${n}::float8))`;
    });
    const rows: { id: string }[] = await this.ds.query(
      `INSERT INTO webhook_events (id, type, account, livemode, payload, source, stripe_created_at)
       SELECT v.* FROM (VALUES ${values.join(', ')}) AS v(id, type, account, livemode, payload, source, created)
       WHERE NOT EXISTS (SELECT 1 FROM webhook_events w WHERE w.id = v.id)
       ON CONFLICT (id) DO NOTHING RETURNING id`,
      params,
    );
    return rows.map((r) => r.id);
  }

  /**
   * Locks the row for this transaction; null when it does not exist, another transaction holds it, or a batch's
   * live claim has it (that batch applies it: taking it here too made the batch skip it and hand it back, one
   * event per transaction instead of a share of a batch). A claim handed back ('-infinity') or expired is no claim.
   */
  async lockForProcessing(em: EntityManager, id: string): Promise<LockedWebhookEvent | null> {
    const rows: LockedWebhookEvent[] = await em.query(
      `SELECT id, type, status, payload FROM webhook_events
        WHERE id = $1 AND (claimed_until IS NULL OR claimed_until < clock_timestamp()) FOR UPDATE SKIP LOCKED`,
      [id],
    );
    return rows[0] ?? null;
  }

  /**
   * Other stored events of `types` never tried yet, oldest first, locked for this transaction (rows others hold
   * are skipped). The oldest of each type come from the waiting index (type, received_at), so the cost follows the
   * number of types and `limit`, not the number of waiting events: filtering out unwanted types instead read every
   * waiting row (thousands of queued `payment_intent.succeeded` for each per-event transaction).
   */
  async lockWaiting(em: EntityManager, excludeId: string, limit: number, types: string[]): Promise<LockedWebhookEvent[]> {
    if (!types.length) return [];
    return em.query(
      `WITH oldest AS (
         SELECT x.id, x.received_at FROM unnest($3::text[]) AS t(type),
           LATERAL (SELECT id, received_at FROM webhook_events
                     WHERE type = t.type AND status = 'RECEIVED' AND attempts = 0 AND id <> $1
                     ORDER BY received_at LIMIT $2) x
          ORDER BY x.received_at LIMIT $2
       )
       SELECT w.id, w.type, w.status, w.payload FROM webhook_events w JOIN oldest o ON o.id = w.id
        WHERE w.status = 'RECEIVED' AND w.attempts = 0
        ORDER BY o.received_at FOR UPDATE OF w SKIP LOCKED`,
      [excludeId, limit, types],
    );
  }

  /**
   * The event as stored, without a lock (to prepare it before its transaction). The payload is left out (null)
   * when the event's type is one of `withoutPayloadFor` (types a set-based batch claims with their payloads).
   */
  async peek(id: string, withoutPayloadFor: string[] = []): Promise<(Omit<LockedWebhookEvent, 'payload'> & { payload: Stripe.Event | null }) | null> {
    const rows = await this.ds.query(
      `SELECT id, type, status, CASE WHEN type = ANY($2::text[]) THEN NULL ELSE payload END AS payload FROM webhook_events WHERE id = $1`,
      [id, withoutPayloadFor],
    );
    return rows[0] ?? null;
  }

  /**
   * Claims `eventId` and up to `limit - 1` other never-tried RECEIVED events of its type, oldest first, for
   * `claimMs` (committed at once, before the claimer reads Stripe for them): concurrent workers claim disjoint
   * batches; the ids in `prefer` (the rest of a flush job) come first. Empty when `eventId` itself is not claimable
   * (done, or another live claim holds it).
   */
  async claimBatch(eventId: string, type: string, limit: number, claimMs: number, prefer: string[] = []): Promise<LockedWebhookEvent[]> {
    // ONE statement (one round trip, committed on its own): `own` locks the event itself first; the others are
    // only looked for when it was claimable (the uncorrelated EXISTS runs once, before their scan). The flush job's
    // own ids (`pref`, looked up by id) come first, then the oldest waiting ones (`rest`, in the waiting index's
    // order): no sort of every waiting event of the type per claim. (`IS NOT DISTINCT FROM`: `type` is NOT NULL, so
    // the same test, but one the waiting index cannot serve: without statistics the planner otherwise walks that
    // whole index once per preferred id instead of looking each id up by its primary key.)
    const [rows]: [Received[], number] = await this.ds.query(
      `WITH own AS (SELECT id FROM webhook_events WHERE id = $1 AND ${FREE} FOR UPDATE SKIP LOCKED),
            pref AS (SELECT x.id FROM unnest($5::text[]) AS p(id),
                       LATERAL (SELECT id FROM webhook_events WHERE id = p.id AND EXISTS (SELECT 1 FROM own) AND type IS NOT DISTINCT FROM $2 AND ${FREE}
                                  AND attempts = 0 AND id <> $1 FOR UPDATE SKIP LOCKED) x
                      LIMIT $3),
            rest AS (SELECT id FROM webhook_events WHERE EXISTS (SELECT 1 FROM own) AND type = $2 AND ${FREE} AND attempts = 0 AND id <> $1
                       AND id <> ALL($5::text[])
                     ORDER BY received_at LIMIT greatest(0, $3 - (SELECT count(*) FROM pref)) FOR UPDATE SKIP LOCKED)
       ${claimRows('SELECT id FROM own UNION ALL SELECT id FROM pref UNION ALL SELECT id FROM rest', '$4')}`,
      [eventId, type, limit - 1, claimMs, prefer],
    );
    return rows.sort((a, b) => (a.id === eventId ? -1 : b.id === eventId ? 1 : +a.receivedAt - +b.receivedAt));
  }

  /**
   * Claims up to `limit` never-tried RECEIVED events of the type, oldest first, for `claimMs` (committed at once),
   * without an own event: a worker whose jobs all wait on its running batch starts another batch with it.
   */
  async claimOldest(type: string, limit: number, claimMs: number): Promise<LockedWebhookEvent[]> {
    const [rows]: [Received[], number] = await this.ds.query(
      claimRows(`SELECT id FROM webhook_events WHERE type = $1 AND ${FREE} AND attempts = 0 ORDER BY received_at LIMIT $2 FOR UPDATE SKIP LOCKED`, '$3'),
      [type, limit, claimMs],
    );
    return rows.sort((a, b) => +a.receivedAt - +b.receivedAt);
  }

  /** Which of these events are still RECEIVED (one read for a flush job's ids). */
  async stillReceived(ids: string[]): Promise<Set<string>> {
    const rows: { id: string }[] = await this.ds.query(`SELECT id FROM webhook_events WHERE id = ANY($1::text[]) AND ${BY_KEY_RECEIVED}`, [ids]);
    return new Set(rows.map((r) => r.id));
  }

  /** Whether another worker's claim on this event is still live. */
  async claimedByOther(id: string): Promise<boolean> {
    const rows = await this.ds.query(`SELECT 1 FROM webhook_events WHERE id = $1 AND claimed_until >= clock_timestamp()`, [id]);
    return rows.length > 0;
  }

  /**
   * The ids of the claimed rows still RECEIVED, locked for the applying transaction, which holds no other lock yet.
   * `alsoRun`: a side-effect-free-of-rows SQL expression evaluated once in the same statement (e.g. the outbox's
   * deferred-NOTIFY setting), saving its round trip.
   *
   * A claimed row can be locked for a moment by someone else: a concurrent claim or per-event look that read it
   * as free before this batch's claim committed locks it, finds the claim on re-checking and leaves it out, but
   * holds the lock to the end of its statement or transaction. Skipping such rows left whole batches to the
   * per-event path (two of 24 in a bench run, a third slower); they are waited for instead, at most
   * CLAIMED_LOCK_WAIT (then the transaction fails and its events are applied one by one, as for any failed batch).
   */
  async lockClaimed(em: EntityManager, ids: string[], alsoRun?: string): Promise<string[]> {
    const rows: { id: string }[] = await em.query(
      `${alsoRun ? `WITH also AS MATERIALIZED (SELECT ${alsoRun}) ` : ''}SELECT id FROM webhook_events
        WHERE id = ANY($1::text[]) AND ${BY_KEY_RECEIVED}${alsoRun ? ' AND EXISTS (SELECT 1 FROM also)' : ''} ORDER BY id FOR UPDATE SKIP LOCKED`,
      [ids],
    );
    const got = new Set(rows.map((r) => r.id));
    const busy = ids.filter((id) => !got.has(id));
    if (!busy.length) return [...got];
    // those held by someone else right now: waited for, for a bounded time (this transaction's lock timeout is
    // back to the connection's own after; the app never sets one for a session)
    await em.query(`SELECT set_config('lock_timeout', $1, true)`, [CLAIMED_LOCK_WAIT]);
    const waited: { id: string }[] = await em.query(`SELECT id FROM webhook_events WHERE id = ANY($1::text[]) AND ${BY_KEY_RECEIVED} ORDER BY id FOR UPDATE`, [
      busy,
    ]);
    await em.query(`SET LOCAL lock_timeout TO DEFAULT`);
    return [...got, ...waited.map((r) => r.id)];
  }

  /**
   * Gives claimed events back to their own jobs, for the per-event path: no other batch claims them again (a stale
   * or unusual event would otherwise be claimed and left over by batch after batch while its job waits).
   */
  async releaseClaims(em: EntityManager, ids: string[]): Promise<void> {
    if (ids.length) await em.query(`UPDATE webhook_events SET claimed_until = '-infinity' WHERE id = ANY($1::text[])`, [ids]);
  }

  async markDoneMany(em: EntityManager, ids: string[], status: 'PROCESSED' | 'IGNORED'): Promise<void> {
    if (!ids.length) return;
    await em.query(
      `UPDATE webhook_events SET status = $2, attempts = attempts + 1, processed_at = clock_timestamp(), last_error = NULL, claimed_until = NULL WHERE id = ANY($1::text[])`,
      [ids, status],
    );
  }

  /** Marks an attempt that failed inside a batch (its own job retries it). */
  async noteBatchFailure(em: EntityManager, id: string, error: string): Promise<void> {
    await em.query(`UPDATE webhook_events SET attempts = attempts + 1, last_error = $2 WHERE id = $1`, [id, error.slice(0, MAX_ERROR_LENGTH)]);
  }

  async exists(id: string): Promise<boolean> {
    const rows = await this.ds.query(`SELECT 1 FROM webhook_events WHERE id = $1`, [id]);
    return rows.length > 0;
  }

  async markDone(em: EntityManager, id: string, status: 'PROCESSED' | 'IGNORED'): Promise<void> {
    await em.query(`UPDATE webhook_events SET status = $2, attempts = attempts + 1, processed_at = clock_timestamp(), last_error = NULL WHERE id = $1`, [
      id,
      status,
    ]);
  }

  /** Records a failed attempt (outside the rolled-back transaction); `final` turns a RECEIVED row FAILED. */
  async recordFailure(id: string, error: string, final: boolean): Promise<void> {
    await this.ds.query(
      `UPDATE webhook_events SET attempts = attempts + 1, last_error = $2, status = CASE WHEN $3::boolean THEN 'FAILED' ELSE status END
       WHERE id = $1 AND status = 'RECEIVED'`,
      [id, error.slice(0, MAX_ERROR_LENGTH), final],
    );
  }

  /** Puts a FAILED/IGNORED/RECEIVED row back to RECEIVED for a replay. Null if unknown; 'PROCESSED' if it already took effect. */
  async resetForReplay(id: string): Promise<WebhookEventSummary | 'PROCESSED' | null> {
    return this.ds.transaction(async (em) => {
      const rows: { status: WebhookEventStatus }[] = await em.query(`SELECT status FROM webhook_events WHERE id = $1 FOR UPDATE`, [id]);
      if (!rows.length) return null;
      if (rows[0].status === 'PROCESSED') return 'PROCESSED';
      const [updated]: [WebhookEventSummary[], number] = await em.query(
        `UPDATE webhook_events SET status = 'RECEIVED', processed_at = NULL WHERE id = $1 RETURNING ${SUMMARY}`,
        [id],
      );
      return updated[0];
    });
  }

  /** RECEIVED rows older than `olderThanMs`, oldest first. */
  async findStale(olderThanMs: number, limit: number): Promise<string[]> {
    const rows: { id: string }[] = await this.ds.query(
      `SELECT id FROM webhook_events WHERE status = 'RECEIVED' AND received_at < now() - make_interval(secs => $1::double precision / 1000)
       ORDER BY received_at LIMIT $2`,
      [olderThanMs, limit],
    );
    return rows.map((r) => r.id);
  }

  async findById(id: string): Promise<WebhookEventRecord | null> {
    const rows: WebhookEventRecord[] = await this.ds.query(`SELECT ${SUMMARY}, payload FROM webhook_events WHERE id = $1`, [id]);
    return rows[0] ?? null;
  }

  /** Newest first, keyset-paginated on (received_at, id). */
  async list(
    filter: { status?: WebhookEventStatus; type?: string; after?: { ts: string; id: string } },
    limit: number,
  ): Promise<(WebhookEventSummary & { cursorTs: string })[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.status) {
      params.push(filter.status);
      where.push(`status = $${params.length}`);
    }
    if (filter.type) {
      params.push(filter.type);
      where.push(`type = $${params.length}`);
    }
    if (filter.after) {
      params.push(filter.after.ts, filter.after.id);
      where.push(`(received_at, id) < ($${params.length - 1}::timestamptz, $${params.length})`);
    }
    params.push(limit);
    return this.ds.query(
      `SELECT ${SUMMARY}, ${CURSOR_TS} FROM webhook_events ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY received_at DESC, id DESC LIMIT $${params.length}`,
      params,
    );
  }

  async countByStatus(): Promise<Record<WebhookEventStatus, number>> {
    const rows: { status: WebhookEventStatus; n: number }[] = await this.ds.query(`SELECT status, count(*)::int AS n FROM webhook_events GROUP BY status`);
    const out = { RECEIVED: 0, PROCESSED: 0, FAILED: 0, IGNORED: 0 };
    for (const r of rows) out[r.status] = r.n;
    return out;
  }
}
