import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthCommonModule } from './common/auth/auth-common.module';
import { AuthGuard } from './common/auth/auth.guard';
import { QueueModule } from './common/queue/queue.module';
import { RedisModule } from './common/redis/redis.module';
import { ConfigModule } from './config/config.module';
import type { AppConfig } from './config/env.schema';
import { DatabaseModule } from './database/database.module';
import { AuthModule } from './modules/auth/auth.module';
import { HealthModule } from './modules/health/health.module';
import { StripeModule } from './modules/stripe/stripe.module';
import { UsersModule } from './modules/users/users.module';
import { IdempotencyModule } from './common/idempotency/idempotency.module';
import { LedgerModule } from './modules/ledger/ledger.module';
import { CollaborationDataModule } from './modules/collaborations/collaborations.module';
import { PaymentsModule } from './modules/payments/payments.module';
import { OutboxModule } from './modules/outbox/outbox.module';
import { WebhookRegistryModule } from './modules/webhooks/webhook-registry.module';
import { WebhooksModule } from './modules/webhooks/webhooks.module';
import { QueueDashboardModule } from './modules/admin/queue-dashboard.module';
import { RealtimeModule } from './modules/realtime/realtime.module';
import { BillingModule } from './modules/billing/billing.module';
import { ConnectModule } from './modules/connect/connect.module';
import { WalletModule } from './modules/wallet/wallet.module';
import { PayoutsModule } from './modules/payouts/payouts.module';
import { InfluencersModule } from './modules/influencers/influencers.module';
import { MilestonesModule } from './modules/milestones/milestones.module';
import { DisputesModule } from './modules/disputes/disputes.module';
import { ClawbackModule } from './modules/clawback/clawback.module';
import { AuditModule } from './modules/audit/audit.module';
import { NotificationsModule } from './modules/notifications/notifications.module';

/** Feature modules; each later capability adds its module here. */
export const FEATURE_MODULES = [
  AuthModule,
  HealthModule,
  PaymentsModule,
  RealtimeModule,
  WebhooksModule,
  QueueDashboardModule,
  BillingModule,
  ConnectModule,
  WalletModule,
  PayoutsModule,
  InfluencersModule,
  MilestonesModule,
  DisputesModule,
  ClawbackModule,
  AuditModule,
  NotificationsModule,
];

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule,
        RedisModule,
        QueueModule,
        AuthCommonModule,
        UsersModule,
        StripeModule,
        OutboxModule,
        WebhookRegistryModule,
        IdempotencyModule,
        LedgerModule,
        CollaborationDataModule,
        ...FEATURE_MODULES,
      ],
      providers: [{ provide: APP_GUARD, useClass: AuthGuard }],
    };
  }
}
