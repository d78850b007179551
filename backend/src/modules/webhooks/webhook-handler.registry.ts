import { Injectable } from '@nestjs/common';
import type Stripe from 'stripe';
import type { EntityManager } from 'typeorm';

/**
 * Applies one Stripe event inside the processor's database transaction (the same transaction marks the
 * inbox row processed). Handlers must be idempotent and order-insensitive: go through the state machines,
 * ignore stale transitions, and re-read the object from Stripe when the event alone cannot decide.
 * Return 'ignored' when the event had no effect (unknown object, stale), otherwise 'applied'.
 */
export type WebhookHandler = (event: Stripe.Event, em: EntityManager, prefetched?: unknown) => Promise<'applied' | 'ignored' | void>;

/**
 * A Stripe read an event needs before it is applied, run before (outside) the processor's transaction so no
 * network call happens while the event's rows are locked; its result is handed to the handler as `prefetched`.
 * A failed read fails the attempt (the event is retried). Events with a prefetch are never piggybacked on
 * another event's batch (their own job reads first).
 */
export type WebhookPrefetch = (event: Stripe.Event) => Promise<unknown>;

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
  private readonly handlers = new Map<string, Array<{ handler: WebhookHandler; prefetch?: WebhookPrefetch }>>();

  /** Modules register their handlers in onModuleInit: registry.register('payment_intent.succeeded', h). */
  register(type: string, handler: WebhookHandler, opts: { prefetch?: WebhookPrefetch } = {}): void {
    const list = this.handlers.get(type) ?? [];
    list.push({ handler, prefetch: opts.prefetch });
    this.handlers.set(type, list);
  }

  handlersFor(type: string): WebhookHandler[] {
    return (this.handlers.get(type) ?? []).map((h) => h.handler);
  }

  /** Whether an event of this type needs Stripe reads before its transaction. */
  needsPrefetch(type: string): boolean {
    return (this.handlers.get(type) ?? []).some((h) => h.prefetch);
  }

  /** Runs the reads of an event's handlers (outside any transaction); one result per handler, in order. */
  async prefetch(event: Stripe.Event): Promise<unknown[]> {
    const list = this.handlers.get(event.type) ?? [];
    const out: unknown[] = [];
    for (const h of list) out.push(h.prefetch ? await h.prefetch(event) : undefined);
    return out;
  }

  /** The types that need prefetching (kept out of other events' batches). */
  prefetchTypes(): string[] {
    return [...this.handlers.keys()].filter((t) => this.needsPrefetch(t));
  }

  types(): string[] {
    return [...this.handlers.keys()];
  }
}
