import { Injectable } from '@nestjs/common';
import type Stripe from 'stripe';
import type { EntityManager } from 'typeorm';

/**
 * Applies one Stripe event inside the processor's database transaction (the same transaction marks the
 * inbox row processed). Handlers must be idempotent and order-insensitive: go through the state machines,
 * ignore stale transitions, and re-read the object from Stripe when the event alone cannot decide.
 * Return 'ignored' when the event had no effect (unknown object, stale), otherwise 'applied'.
 */
export type WebhookHandler = (event: Stripe.Event, em: EntityManager) => Promise<'applied' | 'ignored' | void>;

/**
 * Throw from a handler when the event arrived before what it builds on (e.g. `charge.refunded` before the
 * payment it refunds is funded) and re-reading Stripe cannot settle it: the transaction rolls back and the
 * event is retried with exponential backoff (logged quietly); after WEBHOOK_MAX_ATTEMPTS it is FAILED and replayable.
 */
export class WebhookRetryLaterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookRetryLaterError';
  }
}

@Injectable()
export class WebhookHandlerRegistry {
  private readonly handlers = new Map<string, WebhookHandler[]>();

  /** Modules register their handlers in onModuleInit: registry.register('payment_intent.succeeded', h). */
  register(type: string, handler: WebhookHandler): void {
    const list = this.handlers.get(type) ?? [];
    list.push(handler);
    this.handlers.set(type, list);
  }

  handlersFor(type: string): WebhookHandler[] {
    return this.handlers.get(type) ?? [];
  }

  types(): string[] {
    return [...this.handlers.keys()];
  }
}
