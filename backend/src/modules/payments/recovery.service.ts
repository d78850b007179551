import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Accounts, PostingLine } from '../ledger/domain/accounts';
import { balanceAfterOf } from '../ledger/ledger.repository';
import type { PostedEntry } from '../ledger/ledger.service';
import { WalletDebtService } from '../ledger/wallet-debt.service';
import { WalletCreditsRepository } from '../wallet/wallet-credits.repository';
import { recoveryFee } from './domain/recovery';
import { PaymentNotifier } from './payment-notifier';
import type { PaymentRecord } from './payment.repository';

export interface Recovery {
  lines: PostingLine[];
  fee: number;
  fromWallet: number;
  owed: number;
}

/**
 * Recovering released money from the influencer (clawback, card dispute lost after release): the platform fee's
 * share comes back out of fee revenue, the rest out of the wallet's available balance first and, for the
 * shortfall, as a debt (`owed`). Returns the lines to post in the caller's one journal entry (the wallet is
 * locked until the caller's transaction ends).
 */
@Injectable()
export class RecoveryService {
  constructor(
    private readonly debt: WalletDebtService,
    private readonly notifier: PaymentNotifier,
    private readonly credits: WalletCreditsRepository,
  ) {}

  async lines(em: EntityManager, p: PaymentRecord, amount: number): Promise<Recovery> {
    const fee = recoveryFee(p, amount);
    const { fromWallet, owed } = await this.debt.split(em, p.influencerId, p.currency, amount - fee);
    return {
      fee,
      fromWallet,
      owed,
      lines: [
        { account: Accounts.feeRevenue, currency: p.currency, amount: fee },
        { account: Accounts.walletAvailable(p.influencerId), currency: p.currency, amount: fromWallet },
        { account: Accounts.walletOwed(p.influencerId), currency: p.currency, amount: owed },
      ],
    };
  }

  /**
   * After the caller posted the recovery's entry: closes the wallet credits the available balance paid (this
   * payment's first: its charge has that much less to transfer), then the `wallet:update` (its wallet transaction
   * when the available balance paid part of it).
   */
  async notify(em: EntityManager, p: PaymentRecord, r: Recovery, posted: PostedEntry, description: string): Promise<void> {
    if (r.fromWallet > 0) await this.credits.remove(em, p.influencerId, p.currency, r.fromWallet, p.id);
    const line = posted.lines.find((l) => l.account === Accounts.walletAvailable(p.influencerId));
    await this.notifier.wallet(
      em,
      p.influencerId,
      p.currency,
      line ? { id: posted.entryId, type: 'debit', amount: r.fromWallet, currency: p.currency, balanceAfter: balanceAfterOf(line), description } : null,
    );
  }
}
