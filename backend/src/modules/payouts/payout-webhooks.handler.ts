import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type Stripe from 'stripe';
import { STRIPE } from '../stripe/stripe.module';
import type { EntityManager } from 'typeorm';
import { WebhookHandlerRegistry, WebhookRetryLaterError } from '../webhooks/webhook-handler.registry';
import { BALANCE_SOURCE } from '../wallet/domain/payout-allocation';
import { PayoutRepository } from './payout.repository';
import { PayoutStateService } from './payout-state.service';

/**
 * Payout events are Connect events (`event.account` is the influencer's account): `payout.paid` → COMPLETED,
 * `payout.failed` / `payout.canceled` → FAILED with Stripe's failure code and message (and `payout.failed` after
 * `payout.paid`, a bank return, → FAILED too, but only once Stripe itself, re-read, says the payout failed). `transfer.created`
 * teaches us a transfer id we may have missed (one per charge the payout draws on).
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
      this.registry.register(
        type,
        (e, em, current) => this.onPayout(e, em, current as Stripe.Payout | undefined),
        (e) => this.currentPayout(e),
      );
    }
    this.registry.register('transfer.created', (e, em) => this.onTransfer(e, em));
  }

  /**
   * A failure event may claim a bank return for a payout we hold as COMPLETED: Stripe's current word is read first,
   * before (outside) the processor's transaction, and decides in it. Other events need no read.
   */
  private async currentPayout(event: Stripe.Event): Promise<Stripe.Payout | undefined> {
    const po = event.data.object as Stripe.Payout;
    if (!event.account || (po.status !== 'failed' && po.status !== 'canceled')) return undefined;
    return this.stripe.payouts.retrieve(po.id, {}, { stripeAccount: event.account });
  }

  private async onPayout(event: Stripe.Event, em: EntityManager, current: Stripe.Payout | undefined): Promise<'applied' | 'ignored'> {
    if (!event.account) return 'ignored'; // payouts of the platform account itself are not ours
    const po = event.data.object as Stripe.Payout;
    // A failure for a payout we hold as COMPLETED would put money back in the wallet (a bank return): believe only
    // Stripe's current word (read before the transaction), not the event's; a stale or forged event moves nothing.
    if (po.status === 'failed' || po.status === 'canceled') {
      const ours = await this.state.find(em, po);
      if (ours?.status === 'COMPLETED') {
        // (read before this transaction; an event applied without that read is retried by its own job)
        if (!current) throw new WebhookRetryLaterError(`payout ${po.id}: Stripe's current payout was not read`);
        return this.state.applyStripePayout(em, current, { account: event.account, readFromStripe: true });
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
    if (!p || destination !== p.stripeAccountId) return 'ignored';
    const part = (await this.repo.transfers(p.id, em)).find((t) => t.source === (tr.metadata?.source ?? BALANCE_SOURCE));
    if (!part || part.stripeTransferId || part.amount !== tr.amount) return 'ignored';
    await this.repo.setPartTransfer(p.id, part.source, tr.id, em);
    return 'applied';
  }
}
