import { Global, Module } from '@nestjs/common';
import { WebhookHandlerRegistry } from './webhook-handler.registry';

/** Global so every domain module can register its Stripe event handlers. */
@Global()
@Module({ providers: [WebhookHandlerRegistry], exports: [WebhookHandlerRegistry] })
export class WebhookRegistryModule {}
