import { BullModule } from '@nestjs/bull';
import { Global, Module } from '@nestjs/common';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/env.schema';

export const QUEUES = {
  webhooks: 'stripe-webhooks',
  maintenance: 'maintenance',
  payouts: 'payouts',
  workflow: 'workflow',
} as const;

/** Bull on Redis. Every queue of the app is registered here so health and the dashboard can see them. */
@Global()
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (cfg: AppConfig) => ({
        url: cfg.redisUrl,
        prefix: cfg.queuePrefix,
        defaultJobOptions: { removeOnComplete: 1000, removeOnFail: 5000 },
      }),
    }),
    BullModule.registerQueue({ name: QUEUES.webhooks }, { name: QUEUES.maintenance }, { name: QUEUES.payouts }, { name: QUEUES.workflow }),
  ],
  exports: [BullModule],
})
export class QueueModule {}
