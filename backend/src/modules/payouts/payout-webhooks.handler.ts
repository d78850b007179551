import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type Stripe from 'stripe';
import { STRIPE } from '../stripe/stripe.module';
import type { EntityManager } from 'typeorm';
import { WebhookHandlerRegistry } from '../webhooks/webhook-handler.registry';
import { PayoutRepository } from './payout.repository';
import { PayoutStateService } from './payout-state.service';

/**
 * Payout events are Connect events (`event.account` is the influencer's account): `payout.paid` → COMPLETED,
 * `payout.failed` / `payout.canceled` → FAILED with Stripe's failure code and message (and `payout.failed` after
 * `payout.paid`, a bank return, → FAILED too, but only once Stripe itself, re-read, says the payout failed). `transfer.created` teaches us a transfer id we may have missed.
 */
@Injectable()
export class PayoutWebhooksHandler implements OnModuleInit {
  constructor(
    private readonly registry: WebhookHandlerRegistry,
    private readonly state: PayoutStateService,
    private readonly repo: PayoutRepository,
    @Inject(STRIPE) private readonly stripe: Stripe,
  ) {}

  onModuleInit() {
    for (const type of ['payout.paid', 'payout.failed', 'payout.canceled', 'payout.updated']) {
      this.registry.register(type, (e, em) => this.onPayout(e, em));
    }
    this.registry.register('transfer.created', (e, em) => this.onTransfer(e, em));
  }

  private async onPayout(event: Stripe.Event, em: EntityManager): Promise<'applied' | 'ignored'> {
    if (!event.account) return 'ignored'; // payouts of the platform account itself are not ours
    let po = event.data.object as Stripe.Payout;
    // A failure for a payout we hold as COMPLETED would put money back in the wallet (a bank return): believe only
    // Stripe's current word, not the event's (re-read before any row lock; a stale or forged event moves nothing).
    if (po.status === 'failed' || po.status === 'canceled') {
      const ours = await this.state.find(em, po);
      if (ours?.status === 'COMPLETED') {
        po = await this.stripe.payouts.retrieve(po.id, {}, { stripeAccount: event.account });
        return this.state.applyStripePayout(em, po, { account: event.account, readFromStripe: true });
      }
    }
    return this.state.applyStripePayout(em, po, { account: event.account, readFromStripe: false });
  }

  private async onTransfer(event: Stripe.Event, em: EntityManager): Promise<'applied' | 'ignored'> {
    if (event.account) return 'ignored';
    const tr = event.data.object as Stripe.Transfer;
    const payoutId = tr.metadata?.payout_id;
    if (!payoutId || !/^[0-9a-f-]{36}$/i.test(payoutId)) return 'ignored';
    const p = await this.repo.findById(payoutId, em);
    const destination = typeof tr.destination === 'string' ? tr.destination : tr.destination?.id;
    if (!p || p.stripeTransferId || destination !== p.stripeAccountId || tr.amount !== p.amount) return 'ignored';
    await this.repo.setTransfer(p.id, tr.id, em);
    return 'applied';
  }
}
