import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import type Redis from 'ioredis';
import Stripe from 'stripe';
import { ScheduledJobs } from '../../common/queue/scheduled-jobs.service';
import { REDIS } from '../../common/redis/redis.module';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/env.schema';
import { STRIPE } from '../stripe/stripe.module';
import { NewWebhookEvent, WebhookEventRepository } from './webhook-event.repository';
import { WebhookQueueService } from './webhook-queue.service';

export interface SweepResult {
  /** RECEIVED rows older than the stale threshold that were looked at. */
  checked: number;
  /** Rows that had no live job and got one. */
  enqueued: number;
  errors: number;
}

export interface ReconcileResult {
  /** The `created[gte]` used (unix seconds). */
  since: number;
  /** Events listed from Stripe (platform + connected accounts). */
  listed: number;
  /** Events that were not in the inbox yet (missed webhooks), now stored and enqueued. */
  inserted: number;
  enqueued: number;
  /** Connected accounts whose events were listed. */
  accounts: number;
  errors: string[];
}

/** Overlap between reconciliation runs, so events created while a run was listing are not skipped. */
const RECONCILE_OVERLAP_S = 300;
const SWEEP_BATCH = 1000;
const PAGE = 100;

/**
 * Safety nets of the webhook pipeline:
 * - the sweeper re-enqueues inbox rows still RECEIVED after WEBHOOK_STALE_MS with no live job
 *   (Redis was down when they arrived, Redis lost its data, a job died for good);
 * - reconciliation pages Stripe's Events API (platform, then each connected account) into the same inbox
 *   (source 'reconciliation'), so an event whose webhook never arrived is still applied.
 * Both run on demand (admin endpoints, tests) and as Bull repeatable jobs of the `maintenance` queue
 * (`webhooks-sweep`, `webhooks-reconcile`; one run per interval for the whole deployment, see ScheduledJobs).
 * At start (WEBHOOK_RECONCILE_ON_START), a catch-up reconciliation applies what Stripe sent while the server was
 * down; when Redis comes back after an enqueue failed, the sweep runs at once.
 */
@Injectable()
export class WebhookMaintenanceService implements OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger('WebhookMaintenance');
  private sweeping: Promise<SweepResult> | null = null;
  private reconciling: Promise<ReconcileResult> | null = null;
  /** The catch-up reconciliation started at boot (tests wait for it). */
  catchUp: Promise<ReconcileResult | undefined> = Promise.resolve(undefined);

  constructor(
    private readonly events: WebhookEventRepository,
    private readonly queue: WebhookQueueService,
    private readonly scheduled: ScheduledJobs,
    @Inject(STRIPE) private readonly stripe: Stripe,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly cfg: AppConfig,
  ) {}

  onModuleInit(): void {
    const { sweepIntervalMs, reconcileIntervalMs } = this.cfg.webhooks;
    this.scheduled.register({ name: 'webhooks-sweep', everyMs: sweepIntervalMs, run: () => this.sweep() });
    this.scheduled.register({ name: 'webhooks-reconcile', everyMs: reconcileIntervalMs, run: () => this.reconcile() });
  }

  onApplicationBootstrap(): void {
    // whoever failed to enqueue (any instance that ingests) sweeps as soon as Redis is back
    this.queue.onRecovered(
      () => void this.sweep({ olderThanMs: 0 }).catch((e) => this.logger.warn(`sweep after Redis came back failed: ${(e as Error).message}`)),
    );
    if (this.cfg.webhooks.reconcileOnStart) {
      // events Stripe sent while this server was down (crash, deploy): applied now rather than at the next run
      this.catchUp = new Promise<void>((r) => setImmediate(r))
        .then(() => this.reconcile())
        .then((r) => {
          this.logger.log(`catch-up reconciliation at start: ${r.listed} event(s) listed, ${r.inserted} missed one(s) stored and enqueued`);
          return r;
        })
        .catch((e) => {
          this.logger.warn(`catch-up reconciliation at start failed (the scheduled one will retry): ${(e as Error).message}`);
          return undefined;
        });
    }
  }

  /** Re-enqueues stale RECEIVED rows that have no live job. Concurrent calls share one run. */
  sweep(opts: { olderThanMs?: number } = {}): Promise<SweepResult> {
    this.sweeping ??= this.doSweep(opts.olderThanMs ?? this.cfg.webhooks.staleMs).finally(() => (this.sweeping = null));
    return this.sweeping;
  }

  private async doSweep(olderThanMs: number): Promise<SweepResult> {
    const result: SweepResult = { checked: 0, enqueued: 0, errors: 0 };
    const ids = await this.events.findStale(olderThanMs, SWEEP_BATCH);
    result.checked = ids.length;
    for (let i = 0; i < ids.length; i += 20) {
      await Promise.all(
        ids.slice(i, i + 20).map(async (id) => {
          try {
            if (await this.queue.ensureJob(id)) result.enqueued++;
          } catch (e) {
            result.errors++;
            if (result.errors === 1) this.logger.warn(`sweeper could not enqueue ${id}: ${(e as Error).message}`);
          }
        }),
      );
      if (result.errors > 0 && result.enqueued === 0) break; // Redis is still down: try again next time
    }
    if (result.enqueued) this.logger.log(`sweeper re-enqueued ${result.enqueued} of ${result.checked} stale webhook event(s)`);
    return result;
  }

  private get watermarkKey(): string {
    return `${this.cfg.queuePrefix}:webhooks-reconciled-since`;
  }

  /**
   * Lists events created since `since` (default: where the last run left off, less an overlap; on a first run
   * WEBHOOK_RECONCILE_LOOKBACK_S ago) and stores those missing from the inbox. Concurrent calls share one run.
   */
  reconcile(opts: { since?: number; connectedAccounts?: boolean } = {}): Promise<ReconcileResult> {
    this.reconciling ??= this.doReconcile(opts).finally(() => (this.reconciling = null));
    return this.reconciling;
  }

  private async doReconcile(opts: { since?: number; connectedAccounts?: boolean }): Promise<ReconcileResult> {
    const startedAt = Math.floor(Date.now() / 1000);
    let since = opts.since;
    if (since === undefined) {
      const stored = Number(await this.redis.get(this.watermarkKey).catch(() => null));
      since = stored > 0 ? stored : startedAt - this.cfg.webhooks.reconcileLookbackS;
    }
    const result: ReconcileResult = { since, listed: 0, inserted: 0, enqueued: 0, accounts: 0, errors: [] };

    await this.pullEvents(result, undefined);
    if (opts.connectedAccounts !== false) {
      try {
        for await (const account of this.stripe.accounts.list({ limit: PAGE })) {
          result.accounts++;
          await this.pullEvents(result, account.id);
        }
      } catch (e) {
        result.errors.push(`accounts: ${(e as Error).message}`);
      }
    }
    if (!result.errors.length && opts.since === undefined) {
      await this.redis.set(this.watermarkKey, String(startedAt - RECONCILE_OVERLAP_S)).catch(() => undefined);
    }
    if (result.inserted) this.logger.warn(`reconciliation stored ${result.inserted} event(s) whose webhook had not arrived`);
    for (const e of result.errors) this.logger.warn(`reconciliation: ${e}`);
    return result;
  }

  private async pullEvents(result: ReconcileResult, account: string | undefined): Promise<void> {
    let batch: NewWebhookEvent[] = [];
    const flush = async () => {
      if (!batch.length) return;
      const inserted = await this.events.insertMany(batch);
      batch = [];
      result.inserted += inserted.length;
      result.enqueued += await this.queue.enqueue(inserted);
    };
    try {
      const list = this.stripe.events.list({ created: { gte: result.since }, limit: PAGE }, account ? { stripeAccount: account } : undefined);
      for await (const ev of list) {
        result.listed++;
        // events listed with Stripe-Account belong to that account even if the object does not say so
        const event: Stripe.Event = account && !ev.account ? { ...ev, account } : ev;
        batch.push({
          id: event.id,
          type: event.type,
          account: event.account ?? null,
          livemode: event.livemode === true,
          created: event.created,
          payload: JSON.stringify(event),
          source: 'reconciliation',
        });
        if (batch.length >= PAGE) await flush();
      }
      await flush();
    } catch (e) {
      result.errors.push(`${account ?? 'platform'}: ${(e as Error).message}`);
    }
  }
}
