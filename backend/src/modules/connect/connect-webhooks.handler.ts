import { Injectable, OnModuleInit } from '@nestjs/common';
import { WebhookHandlerRegistry } from '../webhooks/webhook-handler.registry';
import { ConnectService } from './connect.service';

/** `account.updated` (a Connect event: `event.account` is the connected account) keeps the onboarding state. */
@Injectable()
export class ConnectWebhooksHandler implements OnModuleInit {
  constructor(
    private readonly registry: WebhookHandlerRegistry,
    private readonly connect: ConnectService,
  ) {}

  onModuleInit() {
    this.registry.register('account.updated', (e, em) => this.connect.applyAccountUpdated(em, e));
  }
}
