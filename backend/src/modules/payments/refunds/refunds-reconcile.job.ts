import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Queue } from 'bull';
import { QUEUES } from '../../../common/queue/queue.module';
import { APP_CONFIG } from '../../../config/config.module';
import type { AppConfig } from '../../../config/env.schema';
import { RefundsService } from './refunds.service';

export const REFUNDS_RECONCILE_JOB = 'refunds-reconcile';

/**
 * Refund reconciliation as a Bull repeatable job of the `maintenance` queue: Bull makes one job per interval for
 * the whole deployment, however many instances schedule it (RUN_SCHEDULERS=true), and one worker runs it
 * (RUN_WORKER=true). It resolves reservations at least REFUND_RESERVATION_STALE_MS old.
 */
@Injectable()
export class RefundsReconcileJob implements OnApplicationBootstrap {
  private readonly logger = new Logger('RefundsReconcileJob');

  constructor(
    private readonly refunds: RefundsService,
    @InjectQueue(QUEUES.maintenance) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly cfg: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    const every = this.cfg.refundReconcileIntervalMs;
    if (this.cfg.runWorker) {
      this.queue
        .process(REFUNDS_RECONCILE_JOB, 1, () => this.run())
        .catch((e) => this.logger.error(`refund reconciliation processor stopped: ${(e as Error).message}`));
    }
    if (this.cfg.runSchedulers) void this.schedule(every).catch((e) => this.logger.warn(`could not schedule refund reconciliation: ${(e as Error).message}`));
  }

  run() {
    return this.refunds.reconcile(this.cfg.refundReservationStaleMs);
  }

  /** (Re)writes the schedule: a changed interval replaces the old one, 0 removes it. */
  async schedule(every: number): Promise<void> {
    for (const r of await this.queue.getRepeatableJobs()) {
      if (r.name === REFUNDS_RECONCILE_JOB && Number(r.every) !== every) await this.queue.removeRepeatableByKey(r.key);
    }
    if (every > 0) await this.queue.add(REFUNDS_RECONCILE_JOB, {}, { repeat: { every }, removeOnComplete: 50, removeOnFail: 50, attempts: 1 });
  }
}
