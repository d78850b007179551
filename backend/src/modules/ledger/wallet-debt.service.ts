import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { formatMoney } from '../../common/money/currency';
import { Accounts } from './domain/accounts';
import { balanceAfterOf } from './ledger.repository';
import { LedgerService } from './ledger.service';

/** A wallet posting that callers turn into a `wallet:update`. */
export interface WalletPosting {
  id: string;
  type: 'credit' | 'debit';
  amount: number;
  currency: string;
  balanceAfter: number;
  description: string;
}

/**
 * The influencer's debt after a clawback (`wallet:<user>:owed`, a debit-normal account that can never be negative).
 * Recovery takes the wallet's available balance first and books the rest as owed; every later credit repays
 * the debt first, as its own journal entry (so each repayment is a wallet transaction).
 * Lock order: the wallet's available account, then its owed account (the ledger's own order: `…:available` < `…:owed`).
 */
@Injectable()
export class WalletDebtService {
  constructor(private readonly ledger: LedgerService) {}

  /** Locks and reads the wallet's available and owed balances. */
  async lockedBalances(em: EntityManager, userId: string, currency: string): Promise<{ available: number; owed: number }> {
    const rows: Array<{ code: string; balance: number }> = await em.query(
      `SELECT code, balance FROM ledger_accounts WHERE code = ANY($1::text[]) AND currency = $2 ORDER BY code FOR UPDATE`,
      [[Accounts.walletAvailable(userId), Accounts.walletOwed(userId)], currency],
    );
    const of = (code: string) => Number(rows.find((r) => r.code === code)?.balance ?? 0);
    return { available: of(Accounts.walletAvailable(userId)), owed: of(Accounts.walletOwed(userId)) };
  }

  async owed(em: EntityManager, userId: string, currency: string): Promise<number> {
    const rows = await em.query(`SELECT balance FROM ledger_accounts WHERE code = $1 AND currency = $2`, [Accounts.walletOwed(userId), currency]);
    return Number(rows[0]?.balance ?? 0);
  }

  /**
   * After a credit to the wallet: repays what is owed from the available balance, in one journal entry keyed by
   * `key` (unique per credit). Returns the wallet posting, or null when nothing is owed.
   */
  async repay(em: EntityManager, userId: string, currency: string, key: string): Promise<WalletPosting | null> {
    const { available, owed } = await this.lockedBalances(em, userId, currency);
    const amount = Math.min(available, owed);
    if (amount <= 0) return null;
    const description = `Repayment of ${formatMoney({ amount, currency })} owed after a clawback`;
    const posted = await this.ledger.post(em, {
      type: 'debt_repayment',
      referenceType: 'wallet',
      referenceId: userId,
      description,
      idempotencyKey: `debt-repayment:${key}`,
      lines: [
        { account: Accounts.walletAvailable(userId), currency, amount },
        { account: Accounts.walletOwed(userId), currency, amount: -amount },
      ],
    });
    if (!posted) return null;
    const line = posted.lines.find((l) => l.account === Accounts.walletAvailable(userId))!;
    return { id: posted.entryId, type: 'debit', amount, currency, balanceAfter: balanceAfterOf(line), description };
  }

  /**
   * How `amount` is recovered from the influencer: from the available balance first, the rest owed.
   * The caller posts the lines in its own entry (with the wallet locked through `lockedBalances`).
   */
  async split(em: EntityManager, userId: string, currency: string, amount: number): Promise<{ fromWallet: number; owed: number }> {
    const { available } = await this.lockedBalances(em, userId, currency);
    const fromWallet = Math.min(available, amount);
    return { fromWallet, owed: amount - fromWallet };
  }
}
