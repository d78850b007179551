import { Module } from '@nestjs/common';
import { AdminWebhookEventsController } from './admin-webhook-events.controller';
import { WebhookEventRepository } from './webhook-event.repository';
import { WebhookEventsService } from './webhook-events.service';
import { WebhookIngestService } from './webhook-ingest.service';
import { WebhookMaintenanceService } from './webhook-maintenance.service';
import { WebhookQueueService } from './webhook-queue.service';
import { WebhookProcessor } from './webhook.processor';
import { WebhooksController } from './webhooks.controller';

/**
 * The Stripe webhook pipeline: verified ingest into the `webhook_events` inbox, the queue processor that runs
 * the handlers registered on WebhookHandlerRegistry, the sweeper, reconciliation and the admin routes.
 */
@Module({
  controllers: [WebhooksController, AdminWebhookEventsController],
  providers: [WebhookEventRepository, WebhookQueueService, WebhookIngestService, WebhookProcessor, WebhookMaintenanceService, WebhookEventsService],
  exports: [WebhookProcessor, WebhookMaintenanceService, WebhookQueueService],
})
export class WebhooksModule {}
