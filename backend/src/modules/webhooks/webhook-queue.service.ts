import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { Job, JobOptions, Queue } from 'bull';
import { QUEUES } from '../../common/queue/queue.module';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/env.schema';

export interface WebhookJobData {
  /** The event (a flush job: its first event). */
  eventId: string;
  /** A flush job: every event one ingest flush stored (see WebhookProcessor.handleFlushJob). */
  eventIds?: string[];
}

/** How long ingest waits for Redis before answering anyway (the sweeper enqueues what did not make it). */
export const ENQUEUE_TIMEOUT_MS = 1500;

const timeout = <T>(p: Promise<T>, ms: number, what: string): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
    t.unref();
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e) => {
        clearTimeout(t);
        reject(e);
      },
    );
  });

/**
 * The `stripe-webhooks` Bull queue. Per-event jobs: job id = Stripe event id, so adding the same event twice
 * while its job exists is a no-op. Flush jobs (WEBHOOK_FLUSH_JOBS, the default): ONE job for the events one ingest
 * flush stored, job id `batch:<first id>:<n>`; the inbox INSERT stores each id once, so each id is in one flush
 * job; what a flush job cannot apply it hands to per-event jobs. Retries use exponential backoff.
 */
@Injectable()
export class WebhookQueueService implements OnModuleInit {
  private readonly logger = new Logger('WebhookQueue');
  /** False between losing the Redis connection and getting it back: enqueue then fails fast. */
  private connected = true;
  /** Some enqueue did not make it since the last recovery (the sweeper must look right away). */
  private missed = false;
  private readonly recoveredListeners: Array<() => void> = [];

  constructor(
    @InjectQueue(QUEUES.webhooks) readonly queue: Queue<WebhookJobData>,
    @Inject(APP_CONFIG) private readonly cfg: AppConfig,
  ) {}

  onModuleInit(): void {
    const client = this.queue.client;
    client.on('close', () => (this.connected = false));
    client.on('ready', () => {
      this.connected = true;
      if (this.missed) {
        this.missed = false;
        this.logger.log('Redis is back: sweeping the events stored while it was away');
        for (const l of this.recoveredListeners) l();
      }
    });
  }

  /** Called when Redis is reachable again after an enqueue failed. */
  onRecovered(listener: () => void): void {
    this.recoveredListeners.push(listener);
  }

  jobOptions(jobId: string): JobOptions {
    return {
      jobId,
      attempts: this.cfg.webhooks.maxAttempts,
      backoff: { type: 'exponential', delay: this.cfg.webhooks.backoffMs },
    };
  }

  /** Adds jobs for these events; never throws. Returns how many were handed to Redis in time. */
  async enqueue(eventIds: string[], timeoutMs = ENQUEUE_TIMEOUT_MS): Promise<number> {
    if (!eventIds.length) return 0;
    if (!this.connected) {
      // Redis is down: do not make Stripe wait; the rows are stored and swept once it is back
      if (!this.missed) this.logger.warn('Redis is unavailable: webhook events are stored but not enqueued until it is back');
      this.missed = true;
      return 0;
    }
    try {
      const flush = this.cfg.webhooks.flushJobs && eventIds.length > 1;
      const jobs = flush
        ? [{ data: { eventId: eventIds[0], eventIds }, opts: this.jobOptions(`batch:${eventIds[0]}:${eventIds.length}`) }]
        : this.perEventJobs(eventIds);
      await timeout(this.queue.addBulk(jobs), timeoutMs, 'enqueue');
      return eventIds.length;
    } catch (e) {
      this.missed = true;
      this.logger.warn(
        `could not enqueue ${eventIds.length} webhook event(s) (${eventIds[0]}${eventIds.length > 1 ? ', ...' : ''}); the sweeper will: ${(e as Error).message}`,
      );
      return 0;
    }
  }

  /** Adds per-event jobs (job id = event id) for these events; throws when Redis does not take them. */
  async enqueueEach(eventIds: string[]): Promise<void> {
    if (eventIds.length) await timeout(this.queue.addBulk(this.perEventJobs(eventIds)), 5000, 'enqueue');
  }

  private perEventJobs(eventIds: string[]) {
    return eventIds.map((eventId) => ({ data: { eventId }, opts: this.jobOptions(eventId) }));
  }

  /**
   * Makes sure a RECEIVED row has a live job: adds one when none exists, replaces a finished one (completed or
   * failed while the row still says RECEIVED), leaves waiting, delayed and active jobs alone.
   * Returns true when a job was (re)added.
   */
  async ensureJob(eventId: string, opts: { replaceLive?: boolean } = {}): Promise<boolean> {
    const existing: Job<WebhookJobData> | null = await timeout(this.queue.getJob(eventId), 5000, 'getJob');
    if (existing) {
      const state = await existing.getState();
      const finished = state === 'completed' || state === 'failed';
      if (!finished && !(opts.replaceLive && state !== 'active')) return false;
      try {
        await existing.remove();
      } catch (e) {
        // locked by a worker that just picked it up: it is alive, leave it
        this.logger.debug?.(`job ${eventId} not replaced: ${(e as Error).message}`);
        return false;
      }
    }
    await timeout(this.queue.add({ eventId }, this.jobOptions(eventId)), 5000, 'enqueue');
    return true;
  }
}
