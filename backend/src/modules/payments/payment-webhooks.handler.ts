import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import Stripe from 'stripe';
import type { EntityManager } from 'typeorm';
import { STRIPE } from '../stripe/stripe.module';
import { WebhookHandlerRegistry } from '../webhooks/webhook-handler.registry';
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
    this.registry.register('charge.refunded', (e, em) => this.payments.applyChargeRefunded(em, e.data.object as Stripe.Charge));
    this.registry.register('charge.dispute.created', (e, em) => this.payments.applyDispute(em, e.data.object as Stripe.Dispute, 'opened'));
    this.registry.register('charge.dispute.closed', (e, em) => this.payments.applyDispute(em, e.data.object as Stripe.Dispute, 'closed'));
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
