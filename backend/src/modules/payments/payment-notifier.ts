import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Accounts } from '../ledger/domain/accounts';
import { LedgerRepository } from '../ledger/ledger.repository';
import type { WalletPosting } from '../ledger/wallet-debt.service';
import { OutboxService } from '../outbox/outbox.service';
import type { PaymentRecord } from './payment.repository';

const partiesPayload = (p: PaymentRecord, message: string) => ({
  paymentId: p.id,
  collaborationId: p.collaborationId,
  status: p.status,
  amount: p.amount,
  currency: p.currency,
  message,
});

/** `payment:update` and `wallet:update` rows in the outbox, written in the transaction of the change. */
@Injectable()
export class PaymentNotifier {
  constructor(
    private readonly outbox: OutboxService,
    private readonly ledgerRepo: LedgerRepository,
  ) {}

  async parties(em: EntityManager, p: PaymentRecord, message: string): Promise<void> {
    const payload = partiesPayload(p, message);
    await this.outbox.append(em, p.companyId, 'payment:update', payload);
    await this.outbox.append(em, p.influencerId, 'payment:update', payload);
  }

  /** `parties` for many payments in one multi-row insert (the same rows, in the same order). */
  async partiesMany(em: EntityManager, list: Array<{ p: PaymentRecord; message: string }>): Promise<void> {
    await this.outbox.appendMany(
      em,
      list.flatMap(({ p, message }) => {
        const payload = partiesPayload(p, message);
        return [p.companyId, p.influencerId].map((userId) => ({ userId, event: 'payment:update' as const, payload }));
      }),
    );
  }

  /**
   * `wallet:update` with the figures of GET /api/wallet/balance: `available` is withdrawable, `pending` is money
   * on its way to the bank (payouts requested and not yet paid: `payouts:in_transit:<user>`), `owed` the debt left
   * by a clawback. `lastTransaction` is the wallet posting that caused the update, or null when only `pending` moved.
   */
  async wallet(em: EntityManager, userId: string, currency: string, lastTransaction: WalletPosting | null): Promise<void> {
    const available = await this.ledgerRepo.balance(Accounts.walletAvailable(userId), currency, em);
    const pending = await this.ledgerRepo.balance(Accounts.payoutsInTransit(userId), currency, em);
    const owed = await this.ledgerRepo.balance(Accounts.walletOwed(userId), currency, em);
    await this.outbox.append(em, userId, 'wallet:update', { currency, available, pending, owed, lastTransaction });
  }
}
