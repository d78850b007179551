import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Accounts } from '../ledger/domain/accounts';

/** Journal entry types of payouts; every other entry that touches the wallet is an earning (or its correction). */
export const PAYOUT_ENTRY_TYPES = ['payout_requested', 'payout_paid', 'payout_failed', 'payout_returned'] as const;

export interface WalletFigures {
  currency: string;
  available: number;
  pending: number;
  totalEarned: number;
  totalWithdrawn: number;
  /** what the influencer owes after a clawback (repaid first from later earnings) */
  owed: number;
}

export interface WalletPostingRow {
  id: string;
  amount: number; // signed posting: + debit (money out of the wallet), - credit (money in)
  currency: string;
  balanceAfter: number;
  description: string;
  entryType: string;
  referenceType: string;
  referenceId: string;
  createdAt: Date;
}

/** Read-only views of the ledger for one user's wallet. */
@Injectable()
export class WalletRepository {
  constructor(private readonly ds: DataSource) {}

  /**
   * Per currency, straight from the ledger:
   * - available: balance of `wallet:<user>:available`;
   * - pending: balance of `payouts:in_transit:<user>` (payouts requested, not yet paid out or failed);
   * - totalEarned: everything credited to the wallet by non-payout entries (releases), net of any correction;
   * - totalWithdrawn: payouts paid out (`payout_paid`), less those the bank returned afterwards (`payout_returned`).
   * So available + pending + totalWithdrawn = totalEarned.
   */
  async figures(userId: string): Promise<WalletFigures[]> {
    const wallet = Accounts.walletAvailable(userId);
    const transit = Accounts.payoutsInTransit(userId);
    const rows: Array<Record<string, string>> = await this.ds.query(
      `WITH bal AS (
         SELECT currency,
                sum(CASE WHEN code = $1 THEN balance ELSE 0 END) AS available,
                sum(CASE WHEN code = $2 THEN balance ELSE 0 END) AS pending,
                sum(CASE WHEN code = $4 THEN balance ELSE 0 END) AS owed
           FROM ledger_accounts WHERE code IN ($1, $2, $4) GROUP BY currency
       ), flows AS (
         SELECT p.currency,
                sum(CASE WHEN p.account_code = $1 AND je.type <> ALL($3::text[]) THEN -p.amount ELSE 0 END) AS earned,
                sum(CASE WHEN p.account_code = $2 AND je.type = 'payout_paid' THEN p.amount ELSE 0 END)
                  - sum(CASE WHEN p.account_code = $1 AND je.type = 'payout_returned' THEN -p.amount ELSE 0 END) AS withdrawn
           FROM postings p JOIN journal_entries je ON je.id = p.entry_id
          WHERE p.account_code IN ($1, $2)
          GROUP BY p.currency
       )
       SELECT COALESCE(bal.currency, flows.currency) AS currency,
              COALESCE(bal.available, 0)::bigint AS available, COALESCE(bal.pending, 0)::bigint AS pending,
              COALESCE(flows.earned, 0)::bigint AS earned, COALESCE(flows.withdrawn, 0)::bigint AS withdrawn,
              COALESCE(bal.owed, 0)::bigint AS owed
         FROM bal FULL OUTER JOIN flows ON flows.currency = bal.currency
        ORDER BY 1`,
      [wallet, transit, [...PAYOUT_ENTRY_TYPES], Accounts.walletOwed(userId)],
    );
    return rows.map((r) => ({
      currency: r.currency,
      available: Number(r.available),
      pending: Number(r.pending),
      totalEarned: Number(r.earned),
      totalWithdrawn: Number(r.withdrawn),
      owed: Number(r.owed),
    }));
  }

  /** Postings on the user's available wallet, newest first (by posting id, which follows the balance order). */
  async postings(userId: string, opts: { limit: number; beforeId?: string; currency?: string; type?: 'credit' | 'debit' }): Promise<WalletPostingRow[]> {
    const params: unknown[] = [Accounts.walletAvailable(userId), opts.limit];
    const where = ['p.account_code = $1'];
    if (opts.beforeId) {
      params.push(opts.beforeId);
      where.push(`p.id < $${params.length}::bigint`);
    }
    if (opts.currency) {
      params.push(opts.currency);
      where.push(`p.currency = $${params.length}`);
    }
    if (opts.type === 'credit') where.push('p.amount < 0');
    if (opts.type === 'debit') where.push('p.amount > 0');
    const rows: Array<Record<string, unknown>> = await this.ds.query(
      `SELECT p.id::text AS id, p.amount, p.currency, p.balance_after AS "balanceAfter", je.description, je.type AS "entryType",
              je.reference_type AS "referenceType", je.reference_id AS "referenceId", p.created_at AS "createdAt"
         FROM postings p JOIN journal_entries je ON je.id = p.entry_id
        WHERE ${where.join(' AND ')}
        ORDER BY p.id DESC
        LIMIT $2`,
      params,
    );
    return rows.map((r) => ({ ...(r as unknown as WalletPostingRow), amount: Number(r.amount), balanceAfter: Number(r.balanceAfter) }));
  }
}
