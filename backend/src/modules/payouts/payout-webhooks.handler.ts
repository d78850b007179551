import { Injectable, OnModuleInit } from '@nestjs/common';
import type Stripe from 'stripe';
import type { EntityManager } from 'typeorm';
import { WebhookHandlerRegistry } from '../webhooks/webhook-handler.registry';
import { BALANCE_SOURCE } from '../wallet/domain/payout-allocation';
import { PayoutRepository } from './payout.repository';
import { PayoutStateService } from './payout-state.service';

/**
 * Payout events are Connect events (`event.account` is the influencer's account): `payout.paid` → COMPLETED,
 * `payout.failed` / `payout.canceled` → FAILED with Stripe's failure code and message (and `payout.failed` after
 * `payout.paid`, a bank return, → FAILED too). `transfer.created` teaches us a transfer id we may have missed (one per charge the payout draws on).
 */
@Injectable()
export class PayoutWebhooksHandler implements OnModuleInit {
  constructor(
    private readonly registry: WebhookHandlerRegistry,
    private readonly state: PayoutStateService,
    private readonly repo: PayoutRepository,
  ) {}

  onModuleInit() {
    for (const type of ['payout.paid', 'payout.failed', 'payout.canceled', 'payout.updated']) {
      this.registry.register(type, (e, em) => this.onPayout(e, em));
    }
    this.registry.register('transfer.created', (e, em) => this.onTransfer(e, em));
  }

  private async onPayout(event: Stripe.Event, em: EntityManager): Promise<'applied' | 'ignored'> {
    if (!event.account) return 'ignored'; // payouts of the platform account itself are not ours
    return this.state.applyStripePayout(em, event.data.object as Stripe.Payout, event.account);
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
