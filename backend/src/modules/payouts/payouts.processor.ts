import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import type { Job, Queue } from 'bull';
import { QUEUES } from '../../common/queue/queue.module';
import { ScheduledJobs } from '../../common/queue/scheduled-jobs.service';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/env.schema';
import { PayoutExecutionService } from './payout-execution.service';
import type { ReverseJob } from './payout-state.service';

/**
 * Queue work of payouts (`payouts` queue): the reversal of a failed payout's transfer. Consumed where
 * RUN_WORKER=true. Reconciliation runs every PAYOUT_RECONCILE_INTERVAL_MS as the `payouts-reconcile`
 * repeatable job of the `maintenance` queue (one run per interval for the deployment, see ScheduledJobs).
 */
@Injectable()
export class PayoutsProcessor implements OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger('PayoutsProcessor');
  private started = false;

  constructor(
    private readonly execution: PayoutExecutionService,
    @InjectQueue(QUEUES.payouts) private readonly queue: Queue,
    private readonly scheduled: ScheduledJobs,
    @Inject(APP_CONFIG) private readonly cfg: AppConfig,
  ) {}

  onModuleInit(): void {
    this.scheduled.register({ name: 'payouts-reconcile', everyMs: this.cfg.payoutReconcileIntervalMs, run: () => this.execution.reconcile() });
  }

  onApplicationBootstrap(): void {
    if (this.cfg.runWorker) this.start();
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.queue
      .process('reverse', 4, async (job: Job<ReverseJob>) => {
        const r = await this.execution.reverse(job.data.payoutId);
        if (r === 'not-yet') throw new Error(`payout ${job.data.payoutId} has not failed (yet)`);
        return r;
      })
      .catch((e) => this.logger.error(`payout reversal processor stopped: ${(e as Error).message}`));
  }
}
