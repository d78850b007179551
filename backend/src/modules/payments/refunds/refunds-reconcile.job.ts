import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { ScheduledJobs } from '../../../common/queue/scheduled-jobs.service';
import { APP_CONFIG } from '../../../config/config.module';
import type { AppConfig } from '../../../config/env.schema';
import { RefundsService } from './refunds.service';

export const REFUNDS_RECONCILE_JOB = 'refunds-reconcile';

/**
 * Refund reconciliation every REFUND_RECONCILE_INTERVAL_MS as the `refunds-reconcile` repeatable job of the
 * `maintenance` queue (one run per interval for the deployment, see ScheduledJobs): it resolves reservations at
 * least REFUND_RESERVATION_STALE_MS old.
 */
@Injectable()
export class RefundsReconcileJob implements OnModuleInit {
  constructor(
    private readonly refunds: RefundsService,
    private readonly scheduled: ScheduledJobs,
    @Inject(APP_CONFIG) private readonly cfg: AppConfig,
  ) {}

  onModuleInit(): void {
    this.scheduled.register({ name: REFUNDS_RECONCILE_JOB, everyMs: this.cfg.refundReconcileIntervalMs, run: () => this.run() });
  }

  run() {
    return this.refunds.reconcile(this.cfg.refundReservationStaleMs);
  }
}
