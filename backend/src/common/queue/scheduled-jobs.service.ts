import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Queue } from 'bull';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/env.schema';
import { QUEUES } from './queue.names';

export interface ScheduledJob {
  /** Unique job name in the `maintenance` queue, e.g. `webhooks-sweep` (no colon: Bull splits repeat keys on it). */
  name: string;
  /** Run every this many ms (0 = not scheduled; the work can still be run on demand). */
  everyMs: number;
  run(): Promise<unknown>;
}

/** How often scheduling is retried while Redis is unreachable at start. */
const RETRY_MS = 2000;

/**
 * Periodic work as Bull repeatable jobs in the `maintenance` queue: Bull creates one job per interval for the
 * whole deployment (however many instances schedule it), and any instance with RUN_WORKER=true runs it. Modules
 * register their work in `onModuleInit`; where RUN_SCHEDULERS=true the schedules are (re)written at start, with
 * the intervals of this configuration (a changed or disabled interval replaces or removes the old schedule), and
 * again whenever Redis comes back (a Redis that lost its data lost the schedules with it).
 */
@Injectable()
export class ScheduledJobs implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('ScheduledJobs');
  private readonly jobs = new Map<string, ScheduledJob>();
  private retry?: NodeJS.Timeout;
  private closed = false;
  private scheduling?: Promise<void>;

  constructor(
    @InjectQueue(QUEUES.maintenance) readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly cfg: AppConfig,
  ) {}

  register(job: ScheduledJob): void {
    if (job.name.includes(':')) throw new Error(`scheduled job name ${job.name} must not contain ':'`);
    if (this.jobs.has(job.name)) throw new Error(`scheduled job ${job.name} registered twice`);
    this.jobs.set(job.name, job);
  }

  /** The registered jobs (for the admin API and tests). */
  list(): ScheduledJob[] {
    return [...this.jobs.values()];
  }

  onApplicationBootstrap(): void {
    if (this.cfg.runWorker) {
      for (const job of this.jobs.values()) {
        this.queue
          .process(job.name, 1, async () => job.run())
          .catch((e) => this.log.error(`maintenance processor ${job.name} stopped: ${(e as Error).message}`));
      }
    }
    if (this.cfg.runSchedulers) {
      this.queue.client.on('ready', () => void this.schedule());
      void this.schedule();
    }
  }

  /** Writes the schedules; retried every 2 s until Redis answers. */
  schedule(): Promise<void> {
    this.scheduling ??= this.writeSchedules()
      .catch((e) => {
        if (this.closed) return;
        this.log.warn(`could not schedule maintenance jobs (${(e as Error).message}); retrying`);
        clearTimeout(this.retry);
        this.retry = setTimeout(() => void this.schedule(), RETRY_MS);
        this.retry.unref();
      })
      .finally(() => (this.scheduling = undefined));
    return this.scheduling;
  }

  private async writeSchedules(): Promise<void> {
    const existing = await this.queue.getRepeatableJobs();
    for (const r of existing) {
      const want = this.jobs.get(r.name);
      if (!want || want.everyMs <= 0 || Number(r.every) !== want.everyMs) await this.queue.removeRepeatableByKey(r.key);
    }
    for (const job of this.jobs.values()) {
      if (job.everyMs <= 0) continue;
      if (existing.some((r) => r.name === job.name && Number(r.every) === job.everyMs)) continue;
      await this.queue.add(job.name, {}, { repeat: { every: job.everyMs }, removeOnComplete: 50, removeOnFail: 50, attempts: 1 });
    }
  }

  onApplicationShutdown(): void {
    this.closed = true;
    clearTimeout(this.retry);
  }
}
