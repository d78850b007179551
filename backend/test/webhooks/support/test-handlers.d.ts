import type { WebhookHandlerRegistry } from '../../../src/modules/webhooks/webhook-handler.registry';

export declare const TEST_SCHEMA: string;
export declare function registerTestHandlers(registry: Pick<WebhookHandlerRegistry, 'register'>): void;
