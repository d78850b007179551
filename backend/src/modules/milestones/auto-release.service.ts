import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Job, Queue } from 'bull';
import { DataSource } from 'typeorm';
import { withPassLock } from '../../common/database/pass-lock';
import { badRequest } from '../../common/errors/app-error';
import { QUEUES } from '../../common/queue/queue.module';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/env.schema';
import { MilestonesService } from './milestones.service';

export const AUTO_RELEASE_JOB = 'auto-release';
/** PostgreSQL advisory lock id of the pass: one run at a time across every instance and worker. */
const PASS_LOCK = 0x5eed_0015;

/** `asOf` of the admin run: any instant outside production, refused in production (only the real clock counts there). */
export function resolveAsOf(asOf: string | undefined, nodeEnv: AppConfig['nodeEnv'], now = new Date()): Date {
  if (asOf === undefined) return now;
  if (nodeEnv === 'production') throw badRequest('AS_OF_NOT_ALLOWED', 'asOf is refused in production: the pass runs on the real clock');
  const d = new Date(asOf);
  if (Number.isNaN(d.getTime()) || d.getUTCFullYear() < 2000 || d.getUTCFullYear() > 9999)
    throw badRequest('VALIDATION_FAILED', 'asOf must be an ISO 8601 timestamp');
  return d;
}

/**
 * The auto-release pass: every SUBMITTED milestone whose review period has ended is released (as an approval
 * would), each in its own transaction and exactly once (MilestonesService.autoRelease re-checks under the
 * payment lock; the journal entry key is per milestone). Scheduled as a Bull repeatable job every
 * AUTO_RELEASE_INTERVAL_MS where RUN_SCHEDULERS=true and consumed where RUN_WORKER=true; a PostgreSQL advisory
 * lock keeps runs from overlapping when one takes longer than the interval.
 */
@Injectable()
export class AutoReleaseService implements OnApplicationBootstrap {
  private readonly logger = new Logger('AutoRelease');

  constructor(
    private readonly ds: DataSource,
    private readonly milestones: MilestonesService,
    @InjectQueue(QUEUES.workflow) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly cfg: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const every = this.cfg.workflow.autoReleaseIntervalMs;
    if (this.cfg.runWorker) {
      this.queue
        .process(AUTO_RELEASE_JOB, 1, async (_job: Job) => ({ released: await this.run({ wait: false }) }))
        .catch((e) => this.logger.error(`auto-release processor stopped: ${(e as Error).message}`));
    }
    if (this.cfg.runSchedulers) {
      try {
        // one repeatable job per queue prefix, whatever the number of instances adding it; drop other intervals
        for (const r of await this.queue.getRepeatableJobs()) {
          if (r.name === AUTO_RELEASE_JOB && Number(r.every) !== every) await this.queue.removeRepeatableByKey(r.key);
        }
        if (every > 0) await this.queue.add(AUTO_RELEASE_JOB, {}, { repeat: { every }, jobId: AUTO_RELEASE_JOB, removeOnComplete: 100, removeOnFail: 100 });
      } catch (e) {
        // Redis down at start: the next instance start (or the admin run) schedules it; never crash for it
        this.logger.warn(`could not schedule the auto-release job: ${(e as Error).message}`);
      }
    }
  }

  /**
   * One pass. `wait: false` (the scheduled job) skips when another pass is running; the admin run waits for it.
   * Returns the ids of the milestones this pass released.
   */
  async run(opts: { asOf?: Date; wait: boolean }): Promise<string[] | never[]> {
    const asOf = opts.asOf ?? new Date();
    // a transaction-level lock held for the pass (see withPassLock): works through a transaction-pooling PgBouncer
    const pass = await withPassLock(this.ds, PASS_LOCK, opts.wait, async () => {
      const released: string[] = [];
      for (const id of await this.milestones.due(asOf)) {
        try {
          if (await this.milestones.autoRelease(id, asOf)) released.push(id);
        } catch (e) {
          this.logger.warn(`auto-release of milestone ${id} failed (next pass retries): ${(e as Error).message}`);
        }
      }
      if (released.length) this.logger.log(`auto-released ${released.length} milestone(s)`);
      return released;
    });
    return pass.ran ? pass.value : [];
  }
}
