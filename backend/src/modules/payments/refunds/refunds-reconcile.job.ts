import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { ScheduledJobs } from '../../../common/queue/scheduled-jobs.service';
import { APP_CONFIG } from '../../../config/config.module';
import type { AppConfig } from '../../../config/env.schema';
import { ReconcileResult, RefundReservationReconcilers } from './refund-reservations';
import { RefundsService } from './refunds.service';

export const REFUNDS_RECONCILE_JOB = 'refunds-reconcile';

/**
 * Refund reconciliation every REFUND_RECONCILE_INTERVAL_MS as the `refunds-reconcile` repeatable job of the
 * `maintenance` queue (one run per interval for the deployment, see ScheduledJobs): it resolves every refund
 * reservation at least REFUND_RESERVATION_STALE_MS old — the `refunds` rows, then those other modules registered
 * (a dispute resolution's refund, a clawback).
 */
@Injectable()
export class RefundsReconcileJob implements OnModuleInit {
  constructor(
    private readonly refunds: RefundsService,
    private readonly others: RefundReservationReconcilers,
    private readonly scheduled: ScheduledJobs,
    @Inject(APP_CONFIG) private readonly cfg: AppConfig,
  ) {}

  onModuleInit(): void {
    this.scheduled.register({ name: REFUNDS_RECONCILE_JOB, everyMs: this.cfg.refundReconcileIntervalMs, run: () => this.run() });
  }

  async run(): Promise<Record<string, ReconcileResult>> {
    const stale = this.cfg.refundReservationStaleMs;
    const out: Record<string, ReconcileResult> = { refunds: await this.refunds.reconcile(stale) };
    for (const r of this.others.all()) out[r.name] = await r.reconcile(stale);
    return out;
  }
}
