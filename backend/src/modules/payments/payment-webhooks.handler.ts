import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import Stripe from 'stripe';
import type { EntityManager } from 'typeorm';
import { STRIPE } from '../stripe/stripe.module';
import { WebhookHandlerRegistry, WebhookRetryLaterError } from '../webhooks/webhook-handler.registry';
import { PaymentRepository } from './payment.repository';
import { PaymentsService } from './payments.service';

/**
 * Stripe events for payments. The event only says what happened at some moment; where it cannot decide on its
 * own (a failure that may belong to an earlier attempt, a success whose fee we need), re-read the intent — before
 * the processor's transaction (each handler's `prepare`), so no row lock is held across the read.
 */
@Injectable()
export class PaymentWebhooksHandler implements OnModuleInit {
  constructor(
    private readonly registry: WebhookHandlerRegistry,
    private readonly payments: PaymentsService,
    private readonly repo: PaymentRepository,
    @Inject(STRIPE) private readonly stripe: Stripe,
  ) {}

  onModuleInit() {
    for (const type of ['payment_intent.succeeded', 'payment_intent.processing', 'payment_intent.payment_failed', 'payment_intent.canceled']) {
      this.registry.register(
        type,
        (e, em, fresh) => this.onIntent(e, em, fresh as Stripe.PaymentIntent | null),
        (e) => this.readIntent(e),
      );
    }
    this.registry.register(
      'charge.refunded',
      async (e, em, pre) => {
        if (e.account) return 'ignored';
        const { charge, funding } = pre as { charge: Stripe.Charge; funding: Stripe.PaymentIntent | null };
        await this.ensureFunded(em, charge.payment_intent, funding);
        return this.payments.applyChargeRefunded(em, charge);
      },
      async (e) => {
        if (e.account) return null;
        // money leaves escrow on this event: trust Stripe's current charge (amount_refunded), not the event's copy
        const charge = await this.stripe.charges.retrieve((e.data.object as Stripe.Charge).id);
        return { charge, funding: await this.readUnfunded(charge.payment_intent) };
      },
    );
    for (const [type, phase] of [
      ['charge.dispute.created', 'opened'],
      ['charge.dispute.closed', 'closed'],
    ] as const) {
      this.registry.register(
        type,
        async (e, em, funding) => {
          const dispute = e.data.object as Stripe.Dispute;
          if (e.account) return 'ignored';
          await this.ensureFunded(em, dispute.payment_intent, funding as Stripe.PaymentIntent | null);
          return this.payments.applyDispute(em, dispute, phase);
        },
        (e) => (e.account ? Promise.resolve(null) : this.readUnfunded((e.data.object as Stripe.Dispute).payment_intent)),
      );
    }
  }

  /** Before the transaction: the intent a refund or dispute builds on, when its payment is not funded yet. */
  private async readUnfunded(intent: string | Stripe.PaymentIntent | null): Promise<Stripe.PaymentIntent | null> {
    const intentId = typeof intent === 'string' ? intent : intent?.id;
    if (!intentId) return null;
    const p = await this.repo.findByIntent(intentId);
    if (!p || p.heldAt) return null;
    return this.stripe.paymentIntents.retrieve(intentId, { expand: ['latest_charge.balance_transaction'] });
  }

  /**
   * A refund or dispute can arrive before the success it builds on (Stripe does not order events). The intent was
   * re-read before the transaction (`fresh`): if it succeeded, apply that first; if Stripe does not say so yet (or
   * the payment was not funded when read but is not now either), retry the event later.
   */
  private async ensureFunded(em: EntityManager, intent: string | Stripe.PaymentIntent | null, fresh: Stripe.PaymentIntent | null): Promise<void> {
    const intentId = typeof intent === 'string' ? intent : intent?.id;
    if (!intentId) return;
    const p = await this.repo.findByIntent(intentId, em);
    if (!p || p.heldAt) return;
    if (fresh) await this.payments.applyIntent(em, fresh);
    const after = await this.repo.findByIntent(intentId, em);
    if (after && !after.heldAt) throw new WebhookRetryLaterError(`payment ${after.id} is not funded yet (intent ${fresh?.status ?? 'not read'})`);
  }

  /**
   * Before the transaction: a failure or processing event is ambiguous once a retry may be under way, and a success
   * whose charge we need in full: re-read the intent from Stripe (null: the event's own copy will do).
   */
  private async readIntent(event: Stripe.Event): Promise<Stripe.PaymentIntent | null> {
    const pi = event.data.object as Stripe.PaymentIntent;
    if (event.account) return null;
    const paymentId = pi.metadata?.payment_id;
    const p = paymentId ? await this.repo.findById(paymentId) : await this.repo.findByIntent(pi.id);
    if (!p) return null;
    const ambiguous = event.type !== 'payment_intent.succeeded' && ['PROCESSING', 'FAILED', 'PENDING'].includes(p.status);
    if (ambiguous || (event.type === 'payment_intent.succeeded' && typeof pi.latest_charge === 'string')) {
      return this.stripe.paymentIntents.retrieve(pi.id, { expand: ['latest_charge.balance_transaction'] });
    }
    return null;
  }

  private async onIntent(event: Stripe.Event, em: EntityManager, fresh: Stripe.PaymentIntent | null): Promise<'applied' | 'ignored'> {
    const pi = event.data.object as Stripe.PaymentIntent;
    if (event.account) return 'ignored'; // intents on connected accounts are not ours
    const paymentId = pi.metadata?.payment_id;
    const p = paymentId ? await this.repo.findById(paymentId, em) : await this.repo.findByIntent(pi.id, em);
    if (!p) return 'ignored';
    // the payment moved between the read and now (e.g. to PROCESSING): the event alone cannot decide, read again
    const ambiguous = event.type !== 'payment_intent.succeeded' && ['PROCESSING', 'FAILED', 'PENDING'].includes(p.status);
    if (ambiguous && !fresh) throw new WebhookRetryLaterError(`payment ${p.id} changed while ${event.id} was being prepared`);
    return this.payments.applyIntent(em, fresh ?? pi);
  }
}
