import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import Stripe from 'stripe';
import type { EntityManager } from 'typeorm';
import { CollaborationRepository } from '../collaborations/collaboration.repository';
import { LedgerService } from '../ledger/ledger.service';
import { STRIPE } from '../stripe/stripe.module';
import { WebhookBatchApplier, WebhookBatchItem, WebhookHandlerRegistry } from '../webhooks/webhook-handler.registry';
import { transition } from './domain/payment-status.machine';
import { PaymentNotifier } from './payment-notifier';
import { PaymentRecord, PaymentRepository, paymentSnapshot } from './payment.repository';
import { heldEntry, heldMessage, PaymentsService } from './payments.service';

interface Prepared {
  /** the intent as Stripe has it now (null: the event's copy will do), read by the per-event handler's own `prepare` */
  fresh: Stripe.PaymentIntent | null;
  charge: { chargeId: string | null; fee: number } | null;
}

interface Candidate {
  eventId: string;
  paymentId: string;
  pi: Stripe.PaymentIntent;
  charge: { chargeId: string | null; fee: number };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Set-based `payment_intent.succeeded`: the common case (a card payment PENDING/PROCESSING/FAILED whose intent
 * succeeded) for a whole batch in a few multi-row statements — the same journal entries, postings, payment rows,
 * collaboration status and outbox/email rows as `PaymentsService.markHeld` one event at a time. Whatever is not
 * that common case (connected account, unknown payment, another intent, a stale or duplicate success, an amount
 * mismatch, a second event for the same payment in the batch) is left to the per-event handler.
 */
@Injectable()
export class PaymentHeldBatch implements WebhookBatchApplier, OnModuleInit {
  constructor(
    private readonly registry: WebhookHandlerRegistry,
    @Inject(STRIPE) private readonly stripe: Stripe,
    private readonly payments: PaymentsService,
    private readonly repo: PaymentRepository,
    private readonly ledger: LedgerService,
    private readonly collaborations: CollaborationRepository,
    private readonly notifier: PaymentNotifier,
  ) {}

  onModuleInit(): void {
    this.registry.registerBatch('payment_intent.succeeded', this);
  }

  /**
   * Before the transaction: the intent re-read when the event's copy lacks the charge (as the handler's own
   * `readIntent` does for a success, without its look-up of the payment: an unknown payment costs one spare read),
   * and the charge's fee (Stripe reads).
   */
  async prepare(event: Stripe.Event): Promise<Prepared> {
    if (event.account) return { fresh: null, charge: null };
    const own = event.data.object as Stripe.PaymentIntent;
    const fresh =
      typeof own.latest_charge === 'string' ? await this.stripe.paymentIntents.retrieve(own.id, { expand: ['latest_charge.balance_transaction'] }) : null;
    const pi = fresh ?? (event.data.object as Stripe.PaymentIntent);
    return { fresh, charge: pi.status === 'succeeded' ? await this.payments.chargeDetails(pi) : null };
  }

  async apply(em: EntityManager, items: WebhookBatchItem[]): Promise<Set<string>> {
    const byPayment = new Map<string, Candidate>();
    for (const item of items) {
      const c = candidate(item);
      if (c && !byPayment.has(c.paymentId)) byPayment.set(c.paymentId, c);
    }
    const locked = new Map((await this.repo.lockMany(em, [...byPayment.keys()])).map((p) => [p.id, p]));
    const ready: Array<Candidate & { p: PaymentRecord }> = [];
    for (const c of byPayment.values()) {
      const p = locked.get(c.paymentId);
      if (!p || p.stripePaymentIntentId !== c.pi.id || p.method !== 'card') continue;
      if (transition(paymentSnapshot(p), { type: 'INTENT_SUCCEEDED' }).kind !== 'apply') continue;
      if (c.pi.amount_received !== undefined && c.pi.amount_received !== 0 && c.pi.amount_received !== p.amount) continue;
      ready.push({ ...c, p });
    }
    const entries = await this.ledger.postMany(
      em,
      ready.map((c) => heldEntry(c.p, c.charge.fee)),
    );
    const written = ready.filter((c) => entries.has(heldEntry(c.p, 0).idempotencyKey));
    await this.repo.markHeldMany(
      em,
      written.map((c) => ({ id: c.p.id, chargeId: c.charge.chargeId, fee: c.charge.fee })),
    );
    await this.collaborations.setStatusMany(em, [...new Set(written.map((c) => c.p.collaborationId))], 'ACTIVE');
    await this.notifier.partiesMany(
      em,
      written.map((c) => ({ p: { ...c.p, status: 'HELD' as const }, message: heldMessage(c.p) })),
    );
    return new Set(written.map((c) => c.eventId));
  }
}

/** The event's payment and intent when the batch can decide it alone; null leaves it to the per-event handler. */
function candidate({ event, prepared }: WebhookBatchItem): Candidate | null {
  const { fresh, charge } = prepared as Prepared;
  const own = event.data.object as Stripe.PaymentIntent;
  const pi = fresh ?? own;
  const paymentId = own.metadata?.payment_id;
  if (event.account || !charge || pi.status !== 'succeeded' || pi.id !== own.id) return null;
  if (!paymentId || !UUID.test(paymentId) || pi.metadata?.payment_id !== paymentId) return null;
  return { eventId: event.id, paymentId, pi, charge };
}
