import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import Stripe from 'stripe';
import type { EntityManager } from 'typeorm';
import { STRIPE } from '../stripe/stripe.module';
import { WebhookHandlerRegistry, WebhookRetryLaterError } from '../webhooks/webhook-handler.registry';
import { PaymentRepository } from './payment.repository';
import { PaymentsService } from './payments.service';

/**
 * Stripe events for payments. The event only says what happened at some moment; where it cannot decide on its
 * own (a failure that may belong to an earlier attempt, a success whose fee we need), re-read the intent.
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
      this.registry.register(type, (e, em) => this.onIntent(e, em));
    }
    this.registry.register('charge.refunded', async (e, em) => {
      if (e.account) return 'ignored';
      // money leaves escrow on this event: trust Stripe's current charge (amount_refunded), not the event's copy
      const charge = await this.stripe.charges.retrieve((e.data.object as Stripe.Charge).id);
      await this.ensureFunded(em, charge.payment_intent);
      return this.payments.applyChargeRefunded(em, charge);
    });
    for (const [type, phase] of [
      ['charge.dispute.created', 'opened'],
      ['charge.dispute.closed', 'closed'],
    ] as const) {
      this.registry.register(type, async (e, em) => {
        const dispute = e.data.object as Stripe.Dispute;
        if (e.account) return 'ignored';
        await this.ensureFunded(em, dispute.payment_intent);
        return this.payments.applyDispute(em, dispute, phase);
      });
    }
  }

  /**
   * A refund or dispute can arrive before the success it builds on (Stripe does not order events). Re-read the
   * intent: if it succeeded, apply that first; if Stripe does not say so yet, retry the event later.
   */
  private async ensureFunded(em: EntityManager, intent: string | Stripe.PaymentIntent | null): Promise<void> {
    const intentId = typeof intent === 'string' ? intent : intent?.id;
    if (!intentId) return;
    const p = await this.repo.findByIntent(intentId, em);
    if (!p || p.heldAt) return;
    const pi = await this.stripe.paymentIntents.retrieve(intentId, { expand: ['latest_charge.balance_transaction'] });
    await this.payments.applyIntent(em, pi);
    const after = await this.repo.findByIntent(intentId, em);
    if (after && !after.heldAt) throw new WebhookRetryLaterError(`payment ${after.id} is not funded yet (intent ${pi.status})`);
  }

  private async onIntent(event: Stripe.Event, em: EntityManager): Promise<'applied' | 'ignored'> {
    let pi = event.data.object as Stripe.PaymentIntent;
    if (event.account) return 'ignored'; // intents on connected accounts are not ours
    const paymentId = pi.metadata?.payment_id;
    const p = paymentId ? await this.repo.findById(paymentId, em) : await this.repo.findByIntent(pi.id, em);
    if (!p) return 'ignored';
    // A failure or processing event is ambiguous once a retry may be under way: ask Stripe for the current state.
    const ambiguous = event.type !== 'payment_intent.succeeded' && ['PROCESSING', 'FAILED', 'PENDING'].includes(p.status);
    if (ambiguous || (event.type === 'payment_intent.succeeded' && typeof pi.latest_charge === 'string')) {
      pi = await this.stripe.paymentIntents.retrieve(pi.id, { expand: ['latest_charge.balance_transaction'] });
    }
    return this.payments.applyIntent(em, pi);
  }
}
