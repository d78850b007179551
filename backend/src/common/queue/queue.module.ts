import { BullModule, InjectQueue } from '@nestjs/bull';
import { Global, Injectable, Logger, Module, OnModuleInit } from '@nestjs/common';
import type { Queue } from 'bull';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/env.schema';
import { redisRetryStrategy } from '../redis/redis.module';
import { QUEUES } from './queue.names';
import { RetentionService } from './retention.service';
import { ScheduledJobs } from './scheduled-jobs.service';

export { QUEUES } from './queue.names';

/** Logs each queue's Redis errors once per outage (Bull swallows them otherwise) and its recovery. */
@Injectable()
class QueueErrorLog implements OnModuleInit {
  private readonly log = new Logger('Queue');
  constructor(
    @InjectQueue(QUEUES.webhooks) private readonly webhooks: Queue,
    @InjectQueue(QUEUES.maintenance) private readonly maintenance: Queue,
    @InjectQueue(QUEUES.payouts) private readonly payouts: Queue,
    @InjectQueue(QUEUES.workflow) private readonly workflow: Queue,
  ) {}
  onModuleInit(): void {
    for (const q of [this.webhooks, this.maintenance, this.payouts, this.workflow]) {
      let down = false;
      q.on('error', (e: Error) => {
        if (!down) this.log.warn(`queue ${q.name}: ${e.message}`);
        down = true;
      });
      q.client.on('ready', () => {
        if (down) this.log.log(`queue ${q.name}: Redis is back`);
        down = false;
      });
    }
  }
}

/** Bull on Redis. Every queue of the app is registered here so health and the dashboard can see them. */
@Global()
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (cfg: AppConfig) => ({
        url: cfg.redisUrl,
        prefix: cfg.queuePrefix,
        // reconnect within a second of Redis coming back (Bull's own strategy waits up to 20 s)
        redis: { retryStrategy: redisRetryStrategy },
        defaultJobOptions: { removeOnComplete: 1000, removeOnFail: 5000 },
      }),
    }),
    BullModule.registerQueue({ name: QUEUES.webhooks }, { name: QUEUES.maintenance }, { name: QUEUES.payouts }, { name: QUEUES.workflow }),
  ],
  providers: [ScheduledJobs, QueueErrorLog, RetentionService],
  exports: [BullModule, ScheduledJobs, RetentionService],
})
export class QueueModule {}
