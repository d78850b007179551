import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Platform accounts (stripe balance, fees, fee revenue, dispute losses) are touched by every payment; keeping a
 * running balance row for them serialised all money movements on a few hot rows. Their balance is now the sum of
 * their postings (postings.balance_after is NULL for them); wallets, escrow and in-transit accounts keep their
 * locked running balance with the non-negative CHECK.
 */
export class UntrackedPlatformBalances1795400000000 implements MigrationInterface {
  name = 'UntrackedPlatformBalances1795400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE postings ALTER COLUMN balance_after DROP NOT NULL`);
    await q.query(`ALTER TABLE postings ADD CONSTRAINT postings_balance_after_tracked CHECK (balance_after IS NOT NULL OR account_code LIKE 'platform:%')`);
    await q.query(`UPDATE ledger_accounts SET balance = 0 WHERE NOT non_negative`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE postings DROP CONSTRAINT postings_balance_after_tracked`);
    await q.query(`
      UPDATE ledger_accounts a SET balance = (CASE WHEN a.normal = 'debit' THEN 1 ELSE -1 END) * COALESCE((SELECT sum(p.amount) FROM postings p WHERE p.account_code = a.code AND p.currency = a.currency), 0)
       WHERE NOT a.non_negative`);
  }
}
