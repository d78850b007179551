import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AccountMeta, accountMeta, naturalDelta } from './domain/accounts';

export interface PostedLine {
  account: string;
  currency: string;
  amount: number;
  /** The account's balance after this posting; null for platform accounts, whose balance is not kept running. */
  balanceAfter: number | null;
  meta: AccountMeta;
}

/** Data access for the journal. Raw SQL so that locking and the order of writes are explicit. */
@Injectable()
export class LedgerRepository {
  constructor(private readonly ds: DataSource) {}

  /** Returns true when an entry with this idempotency key already exists (the caller then does nothing). */
  async entryExists(em: EntityManager, idempotencyKey: string): Promise<boolean> {
    const rows = await em.query(`SELECT 1 FROM journal_entries WHERE idempotency_key = $1`, [idempotencyKey]);
    return rows.length > 0;
  }

  async insertEntry(
    em: EntityManager,
    e: { type: string; referenceType: string; referenceId: string; description: string; idempotencyKey?: string },
  ): Promise<string | null> {
    const rows = await em.query(
      `INSERT INTO journal_entries (type, reference_type, reference_id, description, idempotency_key)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT (idempotency_key) DO NOTHING RETURNING id`,
      [e.type, e.referenceType, e.referenceId, e.description, e.idempotencyKey ?? null],
    );
    return rows[0]?.id ?? null;
  }

  /**
   * Applies one posting: creates the account row if needed, moves its balance (the CHECK constraint refuses a
   * negative balance on non-negative accounts; the UPDATE takes the row lock) and appends the posting.
   * Platform accounts (not non-negative) keep no running balance: their balance is the sum of their postings,
   * so that every payment does not queue behind the same few rows.
   */
  async applyPosting(em: EntityManager, entryId: string, line: { account: string; currency: string; amount: number }, meta: AccountMeta): Promise<PostedLine> {
    await em.query(
      `INSERT INTO ledger_accounts (code, currency, normal, non_negative, owner_user_id) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (code, currency) DO NOTHING`,
      [line.account, line.currency, meta.normal, meta.nonNegative, meta.ownerUserId],
    );
    if (!meta.nonNegative) {
      await em.query(`INSERT INTO postings (entry_id, account_code, currency, amount, balance_after) VALUES ($1, $2, $3, $4, NULL)`, [
        entryId,
        line.account,
        line.currency,
        line.amount,
      ]);
      return { ...line, balanceAfter: null, meta };
    }
    const delta = naturalDelta(meta.normal, line.amount);
    // TypeORM answers an UPDATE ... RETURNING with [rows, affectedCount]
    const [rows] = await em.query(`UPDATE ledger_accounts SET balance = balance + $3 WHERE code = $1 AND currency = $2 RETURNING balance`, [
      line.account,
      line.currency,
      delta,
    ]);
    const balanceAfter = Number(rows[0].balance);
    if (!Number.isSafeInteger(balanceAfter)) throw new Error(`ledger account ${line.account} has no balance row`);
    await em.query(`INSERT INTO postings (entry_id, account_code, currency, amount, balance_after) VALUES ($1, $2, $3, $4, $5)`, [
      entryId,
      line.account,
      line.currency,
      line.amount,
      balanceAfter,
    ]);
    return { ...line, balanceAfter, meta };
  }

  /** Multi-row `insertEntry`: the id per idempotency key of the entries inserted (existing keys are left out). */
  async insertEntries(
    em: EntityManager,
    entries: Array<{ type: string; referenceType: string; referenceId: string; description: string; idempotencyKey: string }>,
  ): Promise<Map<string, string>> {
    if (!entries.length) return new Map();
    const rows: { id: string; key: string }[] = await em.query(
      `INSERT INTO journal_entries (type, reference_type, reference_id, description, idempotency_key)
       SELECT t, rt, ri, d, k FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS e(t, rt, ri, d, k, n) ORDER BY n
       ON CONFLICT (idempotency_key) DO NOTHING RETURNING id, idempotency_key AS key`,
      [
        entries.map((e) => e.type),
        entries.map((e) => e.referenceType),
        entries.map((e) => e.referenceId),
        entries.map((e) => e.description),
        entries.map((e) => e.idempotencyKey),
      ],
    );
    return new Map(rows.map((r) => [r.key, r.id]));
  }

  /**
   * Multi-row `applyPosting` for postings given in order: creates the missing accounts, moves the running balances
   * (accounts locked in code order) and appends the postings with the balance after each, as one by one would.
   */
  async applyPostings(em: EntityManager, postings: Array<{ entryId: string; line: { account: string; currency: string; amount: number } }>): Promise<void> {
    if (!postings.length) return;
    const accounts = new Map<string, { code: string; currency: string; meta: AccountMeta; delta: number }>();
    for (const { line } of postings) {
      const k = `${line.account}\u0000${line.currency}`;
      const a = accounts.get(k) ?? { code: line.account, currency: line.currency, meta: accountMeta(line.account), delta: 0 };
      a.delta += naturalDelta(a.meta.normal, line.amount);
      accounts.set(k, a);
    }
    const list = [...accounts.values()].sort((a, b) => (a.code + a.currency < b.code + b.currency ? -1 : 1));
    await em.query(
      `INSERT INTO ledger_accounts (code, currency, normal, non_negative, owner_user_id)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::boolean[], $5::uuid[]) ORDER BY 1, 2 ON CONFLICT (code, currency) DO NOTHING`,
      [
        list.map((a) => a.code),
        list.map((a) => a.currency),
        list.map((a) => a.meta.normal),
        list.map((a) => a.meta.nonNegative),
        list.map((a) => a.meta.ownerUserId),
      ],
    );
    const running = list.filter((a) => a.meta.nonNegative);
    const balance = new Map<string, number>();
    if (running.length) {
      // lock in code order, then move every balance in one statement; RETURNING gives the balance after all deltas
      await em.query(
        `SELECT 1 FROM ledger_accounts a JOIN unnest($1::text[], $2::text[]) AS v(code, currency) USING (code, currency) ORDER BY code, currency FOR UPDATE OF a`,
        [running.map((a) => a.code), running.map((a) => a.currency)],
      );
      const [rows]: [{ code: string; currency: string; balance: string }[], number] = await em.query(
        `UPDATE ledger_accounts a SET balance = a.balance + v.delta FROM unnest($1::text[], $2::text[], $3::bigint[]) AS v(code, currency, delta)
          WHERE a.code = v.code AND a.currency = v.currency RETURNING a.code, a.currency, a.balance`,
        [running.map((a) => a.code), running.map((a) => a.currency), running.map((a) => a.delta)],
      );
      // the balance before this batch, then walk the postings forward
      for (const r of rows) balance.set(`${r.code}\u0000${r.currency}`, Number(r.balance) - accounts.get(`${r.code}\u0000${r.currency}`)!.delta);
    }
    const after = postings.map(({ line }) => {
      const k = `${line.account}\u0000${line.currency}`;
      const a = accounts.get(k)!;
      if (!a.meta.nonNegative) return null;
      const b = balance.get(k);
      if (b === undefined || !Number.isSafeInteger(b)) throw new Error(`ledger account ${line.account} has no balance row`);
      const next = b + naturalDelta(a.meta.normal, line.amount);
      balance.set(k, next);
      return next;
    });
    await em.query(
      `INSERT INTO postings (entry_id, account_code, currency, amount, balance_after)
       SELECT e, c, cur, amt, b FROM unnest($1::uuid[], $2::text[], $3::text[], $4::bigint[], $5::bigint[]) WITH ORDINALITY AS p(e, c, cur, amt, b, n) ORDER BY n`,
      [postings.map((p) => p.entryId), postings.map((p) => p.line.account), postings.map((p) => p.line.currency), postings.map((p) => p.line.amount), after],
    );
  }

  async balance(code: string, currency: string, em: EntityManager = this.ds.manager): Promise<number> {
    const meta = accountMeta(code);
    if (!meta.nonNegative) {
      const [row] = await em.query(`SELECT COALESCE(sum(amount), 0)::bigint AS s FROM postings WHERE account_code = $1 AND currency = $2`, [code, currency]);
      return naturalDelta(meta.normal, Number(row.s));
    }
    const rows = await em.query(`SELECT balance FROM ledger_accounts WHERE code = $1 AND currency = $2`, [code, currency]);
    return rows[0] ? Number(rows[0].balance) : 0;
  }

  async balancesByOwner(ownerUserId: string, em: EntityManager = this.ds.manager): Promise<Array<{ code: string; currency: string; balance: number }>> {
    return em.query(`SELECT code, currency, balance FROM ledger_accounts WHERE owner_user_id = $1 ORDER BY currency, code`, [ownerUserId]);
  }

  // ---- invariant queries ----
  async unbalancedCurrencies(): Promise<Array<{ currency: string; sum: number }>> {
    return this.ds.query(`SELECT currency, sum(amount)::bigint AS sum FROM postings GROUP BY currency HAVING sum(amount) <> 0`);
  }

  async unbalancedEntries(limit = 20): Promise<Array<{ entryId: string; currency: string; sum: number }>> {
    return this.ds.query(
      `SELECT entry_id AS "entryId", currency, sum(amount)::bigint AS sum FROM postings GROUP BY entry_id, currency HAVING sum(amount) <> 0 LIMIT $1`,
      [limit],
    );
  }

  async negativeNonNegativeAccounts(limit = 20): Promise<Array<{ code: string; currency: string; balance: number }>> {
    return this.ds.query(`SELECT code, currency, balance FROM ledger_accounts WHERE non_negative AND balance < 0 LIMIT $1`, [limit]);
  }

  /** Accounts with a running balance whose stored balance differs from the sum of their postings. */
  async driftedAccounts(limit = 20): Promise<Array<{ code: string; currency: string; balance: number; computed: number }>> {
    return this.ds.query(
      `SELECT a.code, a.currency, a.balance,
              (CASE WHEN a.normal = 'debit' THEN 1 ELSE -1 END) * COALESCE(p.s, 0) AS computed
         FROM ledger_accounts a
         LEFT JOIN (SELECT account_code, currency, sum(amount)::bigint AS s FROM postings GROUP BY 1, 2) p
           ON p.account_code = a.code AND p.currency = a.currency
        WHERE a.non_negative AND a.balance <> (CASE WHEN a.normal = 'debit' THEN 1 ELSE -1 END) * COALESCE(p.s, 0)
        LIMIT $1`,
      [limit],
    );
  }

  /** Per payment: escrow balance vs amount - released - refunded (0 for payments never funded). */
  async escrowMismatches(limit = 20): Promise<Array<{ paymentId: string; status: string; expected: number; escrow: number }>> {
    return this.ds.query(
      `SELECT p.id AS "paymentId", p.status,
              CASE WHEN p.held_at IS NULL THEN 0 ELSE p.amount - p.amount_released - p.amount_refunded END AS expected,
              COALESCE(a.balance, 0) AS escrow
         FROM payments p
         LEFT JOIN ledger_accounts a ON a.code = 'escrow:' || p.id AND a.currency = p.currency
        WHERE COALESCE(a.balance, 0) <> CASE WHEN p.held_at IS NULL THEN 0 ELSE p.amount - p.amount_released - p.amount_refunded END
        LIMIT $1`,
      [limit],
    );
  }

  async escrowTotals(): Promise<Array<{ currency: string; escrow: number; expected: number }>> {
    return this.ds.query(
      `WITH e AS (SELECT currency, sum(balance)::bigint AS escrow FROM ledger_accounts WHERE code LIKE 'escrow:%' GROUP BY currency),
            x AS (SELECT currency, sum(amount - amount_released - amount_refunded)::bigint AS expected FROM payments
                   WHERE status IN ('HELD','PARTIALLY_RELEASED','PARTIALLY_REFUNDED','DISPUTED') GROUP BY currency)
       SELECT COALESCE(e.currency, x.currency) AS currency, COALESCE(e.escrow, 0) AS escrow, COALESCE(x.expected, 0) AS expected
         FROM e FULL OUTER JOIN x ON e.currency = x.currency`,
    );
  }

  async counts(): Promise<{ entries: number; postings: number; accounts: number }> {
    const [r] = await this.ds.query(
      `SELECT (SELECT count(*) FROM journal_entries)::bigint AS entries, (SELECT count(*) FROM postings)::bigint AS postings, (SELECT count(*) FROM ledger_accounts)::bigint AS accounts`,
    );
    return r;
  }
}

/** The running balance after a posting on a wallet, escrow or in-transit account (they always keep one). */
export function balanceAfterOf(line: PostedLine): number {
  if (line.balanceAfter === null) throw new Error(`ledger account ${line.account} keeps no running balance`);
  return line.balanceAfter;
}
