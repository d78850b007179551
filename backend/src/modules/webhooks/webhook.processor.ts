import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Job, Queue } from 'bull';
import { DataSource, EntityManager } from 'typeorm';
import { inTransaction, pgErrorCode } from '../../common/database/transaction';
import { QUEUES } from '../../common/queue/queue.module';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/env.schema';
import { DEFER_NOTIFY_SQL, OutboxService } from '../outbox/outbox.service';
import { LockedWebhookEvent, WebhookEventRepository } from './webhook-event.repository';
import { WebhookBatchApplier, WebhookHandlerRegistry, WebhookRetryLaterError } from './webhook-handler.registry';
import { WebhookJobData, WebhookQueueService } from './webhook-queue.service';

/**
 * - `processed` / `ignored`: this call applied the event (or found nothing to do) and marked the row.
 * - `already-done`: the row was no longer RECEIVED (processed before, FAILED, ...).
 * - `busy`: another transaction holds the row right now; it will mark it.
 * - `missing`: no such row.
 */
export type ProcessOutcome = 'processed' | 'ignored' | 'already-done' | 'busy' | 'missing';

/** At most this many set-based batches run at once in one process (see WebhookProcessor.helpOut). */
export const BATCHES_PER_WORKER = 4;

/** How many ids of events its batches applied a worker remembers (see WebhookProcessor.recentlyApplied). */
const RECENTLY_APPLIED_MAX = 20_000;

/** A flush job's events: a set-based batch claims them first (`prefer`) and reports what it applied (`applied`). */
interface FlushContext {
  prefer: string[];
  applied: Set<string>;
}

/**
 * Applies stored Stripe events. Each event runs every registered handler in ONE transaction together with
 * marking its inbox row, under the row's lock, so concurrent or repeated deliveries have one effect.
 * Registered on the queue only when RUN_WORKER is true (API process) or in `npm run worker` processes.
 */
@Injectable()
export class WebhookProcessor implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('WebhookProcessor');
  private started = false;
  /** Events claimed by a batch running in this process, and that batch's end (their own jobs wait for it). */
  private readonly batchesInFlight = new Map<string, Promise<Set<string>>>();
  /** Claims of this process whose answer has not come back yet (their events are not in batchesInFlight yet). */
  private readonly claimsInFlight = new Set<Promise<unknown>>();
  /**
   * Events that batches of this process committed lately (the last RECENTLY_APPLIED_MAX): a flush job skips them
   * without a read (a batch takes other flush jobs' events, which are usually done by the time those jobs get to
   * them). Only ever a shortcut: an event not in it is read as before.
   */
  private readonly recentlyApplied = new Set<string>();
  /** Batches running in this process, and helper claims not answered yet (see `helpOut`). */
  private batchesRunning = 0;
  private readonly batchKinds = new Map<Promise<Set<string>>, { type: string; applier: WebhookBatchApplier }>();
  private helpersClaiming = 0;

  constructor(
    private readonly ds: DataSource,
    private readonly events: WebhookEventRepository,
    private readonly registry: WebhookHandlerRegistry,
    private readonly outbox: OutboxService,
    @InjectQueue(QUEUES.webhooks) private readonly queue: Queue<WebhookJobData>,
    @Inject(APP_CONFIG) private readonly cfg: AppConfig,
    private readonly jobs: WebhookQueueService,
  ) {}

  onApplicationBootstrap(): void {
    if (this.cfg.runWorker) this.start();
  }

  get isRunning(): boolean {
    return this.started;
  }

  /** Starts consuming the queue in this process (idempotent). */
  start(): void {
    if (this.started) return;
    this.started = true;
    const lock = this.cfg.webhooks.jobLockMs;
    // A worker that dies (SIGKILL) leaves its active jobs locked until the lock expires; then any worker retries them.
    // (Bull reads these when processing starts; they are not in its type declarations)
    Object.assign((this.queue as unknown as { settings: Record<string, number> }).settings, {
      lockDuration: lock,
      lockRenewTime: Math.floor(lock / 2),
      stalledInterval: Math.min(lock, 30_000),
    });
    this.queue
      .process(this.cfg.webhooks.concurrency, (job: Job<WebhookJobData>) => this.handleJob(job))
      .catch((e) => {
        this.logger.error(`webhook processor stopped: ${(e as Error).message}`);
      });
    this.logger.log(`processing Stripe webhook events (concurrency ${this.cfg.webhooks.concurrency})`);
  }

  async onModuleDestroy(): Promise<void> {
    if (!this.started) return;
    // stop taking jobs and let the active ones finish while the database is still there
    await Promise.race([this.queue.pause(true).catch(() => undefined), new Promise((r) => setTimeout(r, 10_000).unref())]);
  }

  async handleJob(job: Job<WebhookJobData>): Promise<ProcessOutcome> {
    if (job.data.eventIds) return this.handleFlushJob(job.data.eventIds);
    const { eventId } = job.data;
    let outcome: ProcessOutcome;
    try {
      outcome = await this.processEvent(eventId);
    } catch (e) {
      const final = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      await this.events
        .recordFailure(eventId, message, final)
        .catch((err) => this.logger.error(`could not record failure of ${eventId}: ${(err as Error).message}`));
      if (final) this.logger.error(`webhook event ${eventId} FAILED after ${job.attemptsMade + 1} attempt(s): ${message}`);
      else if (e instanceof WebhookRetryLaterError) this.logger.debug?.(`webhook event ${eventId} deferred (attempt ${job.attemptsMade + 1}): ${e.message}`);
      else this.logger.warn(`webhook event ${eventId} attempt ${job.attemptsMade + 1} failed (will retry): ${message}`);
      throw e;
    }
    // Another transaction (usually a batch applying it right now) holds the row: look again after the backoff.
    // Not recorded as a failure; if it stays busy through every attempt, the sweeper re-enqueues it.
    if (outcome === 'busy') throw new WebhookRetryLaterError(`event ${eventId} is being applied by another transaction`);
    return outcome;
  }

  /**
   * A flush job (one per ingest flush, see WebhookQueueService.enqueue): applies its events in order, set-based
   * where the type allows (a set-based batch can take several of them at once; those are skipped after). An event
   * that fails here, or that another worker's batch holds right now, is handed to its own per-event job (job id =
   * event id), which retries it with backoff, records each failed attempt and ends it FAILED after
   * WEBHOOK_MAX_ATTEMPTS, as for any event; the others still apply here. Throws (the flush job is retried, an
   * applied event is then 'already-done') only when the hand-over itself fails.
   */
  async handleFlushJob(eventIds: string[]): Promise<ProcessOutcome> {
    const done = new Set<string>();
    const handOver: string[] = [];
    // events this process's batches applied lately need no read at all (a job whose events were all taken by
    // other jobs' batches, common under load, then costs no round trip); the others, one read instead of one per
    // event: events other processes' batches applied meanwhile are skipped here
    const unknown = eventIds.filter((id) => !this.recentlyApplied.has(id));
    if (!unknown.length) return 'processed';
    const waiting = await this.events.stillReceived(unknown);
    for (const id of eventIds) {
      if (done.has(id) || !waiting.has(id)) continue;
      // claimed by a batch of this process (usually another flush job's, which takes the oldest waiting events):
      // wait for it; what it applied needs no read of its own (a per-event job's processEvent waits the same way)
      if (this.recentlyApplied.has(id)) continue;
      const local = this.batchesInFlight.get(id);
      if (local) {
        const kind = this.batchKinds.get(local);
        if (kind) this.helpOut(kind.type, kind.applier, this.cfg.webhooks.batchSize);
        if ((await local).has(id)) continue;
      }
      try {
        if ((await this.processEvent(id, this.cfg.webhooks.batchSize, { applied: done, prefer: eventIds })) === 'busy') handOver.push(id);
      } catch (e) {
        this.logger.warn(`webhook event ${id} failed in a flush job (its own job retries it): ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
        handOver.push(id);
      }
    }
    await this.jobs.enqueueEach(handOver);
    return 'processed';
  }

  /**
   * Applies one stored event exactly once in effect; safe to call concurrently and repeatedly.
   * A type with a set-based applier (e.g. `payment_intent.succeeded`) is applied with up to WEBHOOK_BATCH_SIZE - 1
   * other waiting events of its type in one set-based transaction (see `applyBatch`); what the batch leaves over
   * takes the per-event path. There, the same transaction also applies up to WEBHOOK_BATCH_SIZE - 1 other waiting
   * events of handled types whose handlers read nothing from Stripe first, each in its own savepoint; one that fails
   * is rolled back to its savepoint and left to its own job.
   */
  async processEvent(eventId: string, batch = this.cfg.webhooks.batchSize, flush?: FlushContext, retried = false): Promise<ProcessOutcome> {
    // a type a batch applies is peeked without its payload (the claim returns the payloads it takes)
    let peeked = await this.events.peek(eventId, batch > 1 ? this.registry.batchTypes() : []);
    if (!peeked) return 'missing';
    if (peeked.status !== 'RECEIVED') return 'already-done';
    const applier = batch > 1 ? this.registry.batchFor(peeked.type) : undefined;
    if (applier) {
      // a batch of this process has it: wait for that batch instead of retrying the job later, then look again
      const local = this.batchesInFlight.get(eventId);
      if (local) {
        this.helpOut(peeked.type, applier, batch);
        return local.then((applied) => (applied.has(eventId) ? 'already-done' : this.processEvent(eventId, batch)));
      }
      const outcome = await this.applyBatch(eventId, peeked.type, applier, batch, flush);
      if (outcome === 'busy' && !retried) {
        // Usually a claim of this process that had not registered its events here yet when this one looked (a
        // batch claims other jobs' events): wait for this process's claims and batches, then look once more,
        // instead of handing the event to a job retried after a backoff. Another process's claim stays 'busy'.
        await this.localClaimsSettled();
        return this.processEvent(eventId, batch, flush, true);
      }
      if (outcome !== 'per-event') return outcome;
      if (peeked.payload === null) {
        peeked = await this.events.peek(eventId); // left over by the batch: now with its payload
        if (!peeked) return 'missing';
        if (peeked.status !== 'RECEIVED') return 'already-done';
      }
    }
    // the handlers' Stripe reads, before the transaction: no row lock is held across a Stripe call
    const prepared = await this.prepare(peeked.type, peeked.payload!);
    // events of types whose handlers read Stripe first are never applied in another event's transaction
    const noBatch = new Set(this.registry.typesWithPrepare());
    const piggyback = this.registry.types().filter((t) => !noBatch.has(t));
    let piggybacked = 0;
    const outcome = await inTransaction(this.ds, async (em): Promise<ProcessOutcome> => {
      piggybacked = 0;
      const row = await this.events.lockForProcessing(em, eventId);
      if (row) await this.outbox.deferNotify(em); // one coalesced NOTIFY after the commit (publishCommitted)
      if (!row) return (await this.events.exists(eventId)) ? 'busy' : 'missing';
      if (row.status !== 'RECEIVED') return 'already-done';
      const own = await this.apply(em, row, prepared);
      if (batch > 1) {
        // Piggybacked events never wait long for a lock that another transaction holds (that would chain batches
        // into each other and into deadlocks): such an event is rolled back to its savepoint and left to its own job.
        await em.query(`SET LOCAL lock_timeout = '100ms'`);
        for (const other of await this.events.lockWaiting(em, eventId, batch - 1, piggyback)) {
          await em.query('SAVEPOINT webhook_event');
          try {
            if ((await this.apply(em, other)) === 'processed') piggybacked++;
            await em.query('RELEASE SAVEPOINT webhook_event');
          } catch (e) {
            await em.query('ROLLBACK TO SAVEPOINT webhook_event');
            const code = pgErrorCode(e);
            if (code === '55P03' || code === '40P01') continue; // lock timeout / deadlock: not a failure of the event
            await this.events.noteBatchFailure(em, other.id, e instanceof Error ? `${e.name}: ${e.message}` : String(e));
          }
        }
      }
      return own;
    });
    if (outcome === 'processed' || outcome === 'ignored' || piggybacked > 0) void this.outbox.publishCommitted();
    if (outcome === 'busy' && applier && !retried) {
      // the claim above found the event free, but a batch of this process claimed it right after (its claim was
      // not committed yet when this one looked) and now holds its row: the same wait as above, then look again
      await this.localClaimsSettled();
      return this.processEvent(eventId, batch, flush, true);
    }
    return outcome;
  }

  /** Waits for this process's claims in flight and the batches they started. */
  private async localClaimsSettled(): Promise<void> {
    await Promise.allSettled([...this.claimsInFlight]);
    await Promise.all([...new Set(this.batchesInFlight.values())]);
  }

  /**
   * Set-based apply: claims the event and up to `size - 1` other waiting events of its type (committed claim, so
   * concurrent workers take disjoint batches), runs the applier's Stripe reads for all of them concurrently BEFORE
   * the transaction, then applies them in ONE transaction (multi-row statements, one commit). Returns 'per-event'
   * when the job's own event was left over (the caller applies it alone), 'busy' while another worker's live claim
   * holds it. If the transaction fails (a poisoned event, a deadlock), nothing of it stays: every claimed event is
   * then applied one by one here, so a poisoned one records its failure (and is never batched again) and the
   * others still apply.
   */
  private async applyBatch(
    eventId: string,
    type: string,
    applier: WebhookBatchApplier,
    size: number,
    flush?: FlushContext,
  ): Promise<ProcessOutcome | 'per-event'> {
    const claimed = await this.claiming(this.events.claimBatch(eventId, type, size, this.cfg.webhooks.jobLockMs, flush?.prefer));
    if (!claimed.length) return (await this.events.claimedByOther(eventId)) ? 'busy' : 'per-event';
    return this.runClaimed(eventId, type, applier, claimed, flush);
  }

  /** Registers a claim in flight until it answers (see `localClaimsSettled`). */
  private async claiming(claim: Promise<LockedWebhookEvent[]>): Promise<LockedWebhookEvent[]> {
    this.claimsInFlight.add(claim);
    try {
      return await claim;
    } finally {
      this.claimsInFlight.delete(claim);
    }
  }

  /** Runs a claimed batch, its events registered as in flight in this process while it runs. */
  private async runClaimed(
    eventId: string | null,
    type: string,
    applier: WebhookBatchApplier,
    claimed: LockedWebhookEvent[],
    flush?: FlushContext,
  ): Promise<ProcessOutcome | 'per-event'> {
    const ids = claimed.map((r) => r.id);
    const applied = new Set<string>();
    let finish = () => {};
    const inFlight = new Promise<Set<string>>((resolve) => (finish = () => resolve(applied)));
    for (const id of ids) this.batchesInFlight.set(id, inFlight);
    this.batchKinds.set(inFlight, { type, applier });
    this.batchesRunning++;
    // a full batch: more are probably waiting; another batch starts now rather than when a job comes to wait
    if (claimed.length >= this.cfg.webhooks.batchSize) this.helpOut(type, applier, this.cfg.webhooks.batchSize);
    try {
      return await this.runBatch(eventId, type, applier, claimed, applied);
    } finally {
      this.batchesRunning--;
      this.batchKinds.delete(inFlight);
      if (flush) for (const id of applied) flush.applied.add(id);
      for (const id of ids) if (this.batchesInFlight.get(id) === inFlight) this.batchesInFlight.delete(id);
      finish();
    }
  }

  /**
   * Called by a job about to wait for a batch of this process that holds its event. A batch takes the oldest
   * waiting events, which are mostly the other running jobs' own, so those jobs all wait for it and this process
   * would apply one batch at a time (PostgreSQL mostly idle, waiting for this process). Instead the waiting job
   * starts another batch of the oldest events nobody holds yet (up to BATCHES_PER_WORKER running): later jobs then
   * find their events applied or in flight. The job itself still waits for its own event's batch.
   */
  private helpOut(type: string, applier: WebhookBatchApplier, size: number): void {
    if (this.batchesRunning + this.helpersClaiming >= BATCHES_PER_WORKER) return;
    this.helpersClaiming++;
    void this.claiming(this.events.claimOldest(type, size, this.cfg.webhooks.jobLockMs))
      .finally(() => this.helpersClaiming--)
      .then((claimed) => (claimed.length ? this.runClaimed(null, type, applier, claimed) : undefined))
      .catch((e: unknown) => this.logger.warn(`a helper batch of ${type} events failed: ${e instanceof Error ? e.message : String(e)}`));
  }

  /** `applied` receives the ids the batch committed (the waiting jobs of this process read it). */
  private async runBatch(
    eventId: string | null,
    type: string,
    applier: WebhookBatchApplier,
    claimed: LockedWebhookEvent[],
    applied: Set<string>,
  ): Promise<ProcessOutcome | 'per-event'> {
    const ids = claimed.map((r) => r.id);
    const items = await Promise.all(
      claimed.map(async (row) => ({
        event: row.payload,
        prepared: await applier.prepare(row.payload).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e)))),
      })),
    );
    let done: Set<string>;
    try {
      done = await inTransaction(this.ds, async (em) => {
        // the outbox NOTIFY deferred to after the commit (publishCommitted), in the same statement as the locks
        const locked = new Set(await this.events.lockClaimed(em, ids, DEFER_NOTIFY_SQL));
        const ok = await applier.apply(
          em,
          items.filter((i) => locked.has(i.event.id) && !(i.prepared instanceof Error)),
        );
        await this.events.markDoneMany(em, [...ok], 'PROCESSED');
        await this.events.releaseClaims(
          em,
          ids.filter((id) => !ok.has(id)),
        );
        return ok;
      });
    } catch (e) {
      this.logger.warn(`a batch of ${ids.length} ${type} events rolled back (${(e as Error).message}); applying them one by one`);
      await this.events.releaseClaims(this.ds.manager, ids).catch(() => undefined);
      for (const id of ids.filter((x) => x !== eventId)) {
        await this.processEvent(id, 1).catch((err: unknown) =>
          this.events.recordFailure(id, err instanceof Error ? `${err.name}: ${err.message}` : String(err), false).catch(() => undefined),
        );
      }
      return 'per-event';
    }
    for (const id of done) {
      applied.add(id);
      this.recentlyApplied.add(id);
    }
    for (const id of this.recentlyApplied) {
      if (this.recentlyApplied.size <= RECENTLY_APPLIED_MAX) break;
      this.recentlyApplied.delete(id); // oldest first (a Set iterates in insertion order)
    }
    if (done.size) void this.outbox.publishCommitted();
    return eventId !== null && done.has(eventId) ? 'processed' : 'per-event';
  }

  private async prepare(type: string, payload: LockedWebhookEvent['payload']): Promise<unknown[]> {
    const out: unknown[] = [];
    for (const entry of this.registry.entriesFor(type)) out.push(entry.prepare ? await entry.prepare(payload) : undefined);
    return out;
  }

  private async apply(em: EntityManager, row: LockedWebhookEvent, prepared: unknown[] = []): Promise<'processed' | 'ignored'> {
    let applied = false;
    for (const [i, entry] of this.registry.entriesFor(row.type).entries()) {
      const r = await entry.handler(row.payload, em, prepared[i]);
      if (r !== 'ignored') applied = true;
    }
    await this.events.markDone(em, row.id, applied ? 'PROCESSED' : 'IGNORED');
    return applied ? 'processed' : 'ignored';
  }
}
