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
    const ordered = [...lines].sort(byAccount);
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

  /**
   * Set-based `post` for many entries (each with its own idempotency key) in a handful of multi-row statements:
   * the same journal entries, accounts, balances and postings as posting them one by one in this order.
   * Returns the entry id per idempotency key of the entries written (an existing key is skipped, as in `post`).
   */
  async postMany(em: EntityManager, inputs: Array<JournalEntryInput & { idempotencyKey: string }>): Promise<Map<string, string>> {
    const entries = inputs.map((input) => {
      const lines = input.lines.filter((l) => l.amount !== 0);
      validateLines(lines);
      return { input, lines: [...lines].sort((a, b) => byAccount(a, b)) };
    });
    const ids = await this.repo.insertEntries(em, inputs);
    const written = entries.filter((e) => ids.has(e.input.idempotencyKey));
    const postings = written.flatMap((e) => e.lines.map((line) => ({ entryId: ids.get(e.input.idempotencyKey)!, line })));
    try {
      await this.repo.applyPostings(em, postings);
    } catch (e) {
      if (pgErrorCode(e) === '23514' && pgConstraint(e) === 'ledger_accounts_non_negative') {
        throw conflict('INSUFFICIENT_FUNDS', 'Not enough funds for this operation');
      }
      throw e;
    }
    return ids;
  }
}

const key = (l: PostingLine) => l.account + l.currency;
/** Accounts in a stable order (locks are taken in it, so concurrent entries cannot deadlock). */
const byAccount = (a: PostingLine, b: PostingLine) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
