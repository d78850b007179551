import { Injectable } from '@nestjs/common';
import type Stripe from 'stripe';
import type { EntityManager } from 'typeorm';

/**
 * Applies one Stripe event inside the processor's database transaction (the same transaction marks the
 * inbox row processed). Handlers must be idempotent and order-insensitive: go through the state machines,
 * ignore stale transitions, and re-read the object from Stripe when the event alone cannot decide — in the
 * handler's `prepare`, never in the handler: `prepare` runs before the transaction (no row lock held across a
 * Stripe call) and its result is handed to the handler as `prepared`.
 * Return 'ignored' when the event had no effect (unknown object, stale), otherwise 'applied'.
 */
export type WebhookHandler = (event: Stripe.Event, em: EntityManager, prepared?: unknown) => Promise<'applied' | 'ignored' | void>;

/** Reads what a handler needs from Stripe, outside any transaction (errors retry the event like a handler's). */
export type WebhookPrepare = (event: Stripe.Event) => Promise<unknown>;

/** One claimed event and what the batch applier's `prepare` read for it (an Error: the read failed). */
export interface WebhookBatchItem {
  event: Stripe.Event;
  prepared: unknown;
}

/**
 * Set-based apply for a hot event type: the processor claims a batch of waiting events of the type, runs `prepare`
 * for each (concurrently, before the transaction: no row lock across a Stripe call), then calls `apply` once in ONE
 * transaction. `apply` writes the effects of every event it can decide alone with multi-row statements and returns
 * their ids; every other event (duplicate object in the batch, stale, unknown, anything unusual) is left to the
 * per-event handlers, which must reach the same state as `apply` would have.
 */
export interface WebhookBatchApplier {
  prepare(event: Stripe.Event): Promise<unknown>;
  apply(em: EntityManager, items: WebhookBatchItem[]): Promise<Set<string>>;
}

interface Entry {
  handler: WebhookHandler;
  prepare?: WebhookPrepare;
}

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
  private readonly handlers = new Map<string, Entry[]>();
  private readonly batches = new Map<string, WebhookBatchApplier>();

  /** A set-based path for `type` (its per-event handlers stay registered for what the batch leaves over). */
  registerBatch(type: string, applier: WebhookBatchApplier): void {
    this.batches.set(type, applier);
  }

  batchFor(type: string): WebhookBatchApplier | undefined {
    return this.batches.get(type);
  }

  /** The types with a set-based path. */
  batchTypes(): string[] {
    return [...this.batches.keys()];
  }

  /**
   * Modules register their handlers in onModuleInit: registry.register('payment_intent.succeeded', h, prepare).
   * Events of a type with a `prepare` are applied in their own transaction (never piggybacked on another's batch).
   */
  register(type: string, handler: WebhookHandler, prepare?: WebhookPrepare): void {
    const list = this.handlers.get(type) ?? [];
    list.push({ handler, prepare });
    this.handlers.set(type, list);
  }

  handlersFor(type: string): WebhookHandler[] {
    return this.entriesFor(type).map((e) => e.handler);
  }

  entriesFor(type: string): Entry[] {
    return this.handlers.get(type) ?? [];
  }

  /** The types whose handlers read Stripe first (their events are not applied in another event's batch). */
  typesWithPrepare(): string[] {
    return [...this.handlers.entries()].filter(([, list]) => list.some((e) => e.prepare)).map(([type]) => type);
  }

  types(): string[] {
    return [...this.handlers.keys()];
  }
}
