import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import Stripe from 'stripe';
import { PaymentNotifier } from '../payments/payment-notifier';
import { STRIPE } from '../stripe/stripe.module';
import { WebhookHandlerRegistry } from '../webhooks/webhook-handler.registry';
import { availability, Availability } from './domain/payout-allocation';
import { WalletCreditsRepository } from './wallet-credits.repository';

/** A pending charge is re-read from Stripe at most this often when nothing (balance.available) says it changed. */
const RECHECK_PENDING_MS = 5_000;

/**
 * When the money behind a wallet may be paid out: each credit's charge is available at Stripe once its balance
 * transaction says `status: available`. Stripe is asked (never our own clock: Stripe's, or the emulator's emulated
 * one, decides), while a charge is pending, at most every RECHECK_PENDING_MS, and at once after `balance.available`.
 * Calls to Stripe happen outside any transaction.
 */
@Injectable()
export class WalletFundsService implements OnModuleInit {
  private readonly logger = new Logger(WalletFundsService.name);

  constructor(
    private readonly credits: WalletCreditsRepository,
    private readonly registry: WebhookHandlerRegistry,
    private readonly notifier: PaymentNotifier,
    @Inject(STRIPE) private readonly stripe: Stripe,
  ) {}

  onModuleInit() {
    // a platform event: some pending funds became available (which ones is not said): re-read pending charges, and
    // tell the owners of money waiting on them (a wallet:update), so an open wallet asks again what is payable now
    this.registry.register('balance.available', async (e, em) => {
      if (e.account) return 'ignored';
      const waiting = await this.credits.ownersWaitingOnFunds(em);
      const marked = await this.credits.markPendingForRecheck(em);
      for (const { userId, currency } of waiting) await this.notifier.wallet(em, userId, currency, null);
      return marked > 0 || waiting.length > 0 ? 'applied' : 'ignored';
    });
  }

  /** Re-reads the charges of the user's open credits whose funds are not known to be available. */
  async refresh(userId: string, force = false): Promise<void> {
    const charges = await this.credits.chargesToCheck(userId, RECHECK_PENDING_MS, force);
    await Promise.all(
      charges.map(async (id) => {
        try {
          const ch = await this.stripe.charges.retrieve(id, { expand: ['balance_transaction'] });
          const bt = ch.balance_transaction;
          if (!bt || typeof bt === 'string') return;
          await this.credits.setChargeFunds(id, bt.status === 'available' ? 'available' : 'pending', new Date(bt.available_on * 1000));
        } catch (e) {
          this.logger.warn(`could not read the funds of charge ${id}: ${(e as Error).message}`);
        }
      }),
    );
  }

  /** Per currency: the wallet's total, what Stripe lets it pay out now, and when more becomes payable. */
  async availability(userId: string, opts: { refresh?: boolean; force?: boolean } = {}): Promise<Map<string, Availability>> {
    if (opts.refresh !== false) await this.refresh(userId, opts.force);
    const open = await this.credits.open(userId, null);
    const byCurrency = new Map<string, typeof open>();
    for (const c of open) byCurrency.set(c.currency, [...(byCurrency.get(c.currency) ?? []), c]);
    return new Map([...byCurrency].map(([cur, list]) => [cur, availability(list)]));
  }
}
