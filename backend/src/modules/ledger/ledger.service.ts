import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { conflict } from '../../common/errors/app-error';
import { pgConstraint, pgErrorCode } from '../../common/database/transaction';
import { accountMeta, PostingLine, validateLines } from './domain/accounts';
import { LedgerRepository, PostedLine } from './ledger.repository';

export interface JournalEntryInput {
  type: string;
  referenceType: string;
  referenceId: string;
  description: string;
  /** Unique per effect: a second post with the same key is a no-op (returns null). */
  idempotencyKey?: string;
  lines: PostingLine[];
}

export interface PostedEntry {
  entryId: string;
  lines: PostedLine[];
}

/**
 * Writes balanced, append-only journal entries. Must be called inside the caller's transaction so that the
 * entry commits or rolls back together with the state change it describes.
 */
@Injectable()
export class LedgerService {
  constructor(private readonly repo: LedgerRepository) {}

  async post(em: EntityManager, input: JournalEntryInput): Promise<PostedEntry | null> {
    const lines = input.lines.filter((l) => l.amount !== 0);
    validateLines(lines);
    const entryId = await this.repo.insertEntry(em, input);
    if (!entryId) return null; // already posted: idempotent no-op
    // Lock accounts in a stable order so that concurrent entries cannot deadlock.
    const ordered = [...lines].sort((a, b) => (a.account + a.currency < b.account + b.currency ? -1 : a.account + a.currency > b.account + b.currency ? 1 : 0));
    const posted: PostedLine[] = [];
    try {
      for (const line of ordered) posted.push(await this.repo.applyPosting(em, entryId, line, accountMeta(line.account)));
    } catch (e) {
      if (pgErrorCode(e) === '23514' && pgConstraint(e) === 'ledger_accounts_non_negative') {
        throw conflict('INSUFFICIENT_FUNDS', 'Not enough funds for this operation');
      }
      throw e;
    }
    return { entryId, lines: posted };
  }
}
