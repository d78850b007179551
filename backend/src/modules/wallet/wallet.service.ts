import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../../common/auth/auth.types';
import { Page } from '../../common/pagination/pagination';
import { CSV_HEADER, csvRow, decodeTxCursor, encodeTxCursor, toTransaction, WalletTransaction } from './domain/wallet-transaction';
import { WalletFigures, WalletRepository } from './wallet.repository';
import { WalletFundsService } from './wallet-funds.service';

export interface WalletBalance extends WalletFigures {
  /** What Stripe lets the influencer pay out now (funds of the charges behind it available). */
  availableForPayout: number;
  /** When more becomes payable (ISO date-time), or null. */
  nextAvailableOn: string | null;
}

/** Most rows one CSV export holds (newest first). */
const CSV_MAX_ROWS = 50_000;
const CSV_PAGE = 1_000;

/** The influencer's wallet: figures and transactions, all read from the ledger (nothing is stored twice). */
@Injectable()
export class WalletService {
  constructor(
    private readonly repo: WalletRepository,
    private readonly funds: WalletFundsService,
  ) {}

  async balance(user: AuthUser): Promise<{ balances: WalletBalance[] }> {
    const avail = await this.funds.availability(user.id);
    const figures = await this.repo.figures(user.id);
    return {
      balances: figures.map((f) => {
        const a = avail.get(f.currency);
        // while a clawback's debt is owed nothing is paid out (a payout request answers 409 BALANCE_OWED)
        const payable = f.owed > 0 ? 0 : Math.max(0, Math.min(f.available, a?.availableForPayout ?? 0));
        return {
          ...f,
          availableForPayout: payable,
          nextAvailableOn: a?.nextAvailableOn ? a.nextAvailableOn.toISOString() : null,
        };
      }),
    };
  }

  async transactions(user: AuthUser, q: { limit?: number; cursor?: string; currency?: string; type?: 'credit' | 'debit' }): Promise<Page<WalletTransaction>> {
    const limit = q.limit ?? 20;
    const rows = await this.repo.postings(user.id, { limit: limit + 1, beforeId: decodeTxCursor(q.cursor), currency: q.currency, type: q.type });
    const more = rows.length > limit;
    const data = (more ? rows.slice(0, limit) : rows).map(toTransaction);
    return { data, nextCursor: more ? encodeTxCursor(data[data.length - 1].id) : null };
  }

  /** Every transaction matching the filters as CSV (header row first), newest first. */
  async transactionsCsv(user: AuthUser, q: { currency?: string; type?: 'credit' | 'debit' }): Promise<string> {
    const lines = [CSV_HEADER.join(',')];
    let beforeId: string | undefined;
    for (let n = 0; n < CSV_MAX_ROWS; n += CSV_PAGE) {
      const rows = await this.repo.postings(user.id, { limit: CSV_PAGE, beforeId, currency: q.currency, type: q.type });
      for (const r of rows) lines.push(csvRow(toTransaction(r)));
      if (rows.length < CSV_PAGE) break;
      beforeId = rows[rows.length - 1].id;
    }
    return lines.join('\r\n') + '\r\n';
  }
}
