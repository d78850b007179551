import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Job, Queue } from 'bull';
import type Redis from 'ioredis';
import { QUEUES } from '../../common/queue/queue.module';
import { REDIS } from '../../common/redis/redis.module';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/env.schema';
import { PayoutExecutionService } from './payout-execution.service';
import type { ReverseJob } from './payout-state.service';

/**
 * Queue work of payouts (`payouts` queue): the reversal of a failed payout's transfer. Consumed where
 * RUN_WORKER=true. Where RUN_SCHEDULERS=true, reconciliation runs every
 * PAYOUT_RECONCILE_INTERVAL_MS (one instance per interval, through a Redis lock).
 */
@Injectable()
export class PayoutsProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('PayoutsProcessor');
  private timer: NodeJS.Timeout | null = null;
  private started = false;

  constructor(
    private readonly execution: PayoutExecutionService,
    @InjectQueue(QUEUES.payouts) private readonly queue: Queue,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly cfg: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.cfg.runWorker) this.start();
    const every = this.cfg.payoutReconcileIntervalMs;
    if (this.cfg.runSchedulers && every > 0) {
      this.timer = setInterval(() => {
        void (async () => {
          const ok = await this.redis
            .set(`${this.cfg.queuePrefix}:payouts:reconcile-lock`, String(process.pid), 'PX', Math.max(1000, every - 500), 'NX')
            .catch(() => null);
          if (ok !== 'OK') return;
          await this.execution.reconcile();
        })().catch((e) => this.logger.warn(`scheduled payout reconciliation failed: ${(e as Error).message}`));
      }, every);
      this.timer.unref();
    }
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
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
