import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Money released from a payment is paid out against that payment's charge (`source_transaction`):
 * - `wallet_credits`: each release to a wallet, with the charge it came from (FIFO source of payouts). `drawn` is what
 *   payouts took from it (returned when a payout fails), `removed` what was taken back (clawback).
 * - `payout_sources`: which credits a payout drew on (one row per credit).
 * - `payout_transfers`: the Stripe Transfers of a payout, one per charge (`source` = the charge id, or `balance` for
 *   money without a known charge, transferred from the platform's available balance).
 * - `charge_funds`: when a charge's funds are available at Stripe (its balance transaction), re-read while pending.
 * Wallet balances from before this migration become one credit without a charge each.
 * Connected accounts also keep Stripe's requirement deadline and past-due list, and the account row is reserved
 * before the Stripe call that creates the account (so no lock is held across it): `stripe_account_id` may be null.
 */
export class PayoutSources1795500013700 implements MigrationInterface {
  name = 'PayoutSources1795500013700';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE wallet_credits (
        id bigserial PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users(id),
        currency text NOT NULL,
        amount bigint NOT NULL CHECK (amount > 0),
        drawn bigint NOT NULL DEFAULT 0,
        removed bigint NOT NULL DEFAULT 0,
        payment_id uuid REFERENCES payments(id),
        stripe_charge_id text,
        entry_id uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT wallet_credits_within CHECK (drawn >= 0 AND removed >= 0 AND drawn + removed <= amount)
      )`);
    await q.query(`CREATE INDEX wallet_credits_open_idx ON wallet_credits (user_id, currency, id) WHERE drawn + removed < amount`);
    await q.query(`CREATE INDEX wallet_credits_payment_idx ON wallet_credits (payment_id)`);
    await q.query(`
      CREATE TABLE payout_sources (
        payout_id uuid NOT NULL REFERENCES payouts(id),
        credit_id bigint NOT NULL REFERENCES wallet_credits(id),
        source text NOT NULL,
        amount bigint NOT NULL CHECK (amount > 0),
        returned boolean NOT NULL DEFAULT false,
        PRIMARY KEY (payout_id, credit_id)
      )`);
    await q.query(`CREATE INDEX payout_sources_credit_idx ON payout_sources (credit_id)`);
    await q.query(`
      CREATE TABLE payout_transfers (
        payout_id uuid NOT NULL REFERENCES payouts(id),
        source text NOT NULL,
        amount bigint NOT NULL CHECK (amount > 0),
        stripe_transfer_id text UNIQUE,
        stripe_reversal_id text,
        PRIMARY KEY (payout_id, source)
      )`);
    await q.query(`
      CREATE TABLE charge_funds (
        stripe_charge_id text PRIMARY KEY,
        status text NOT NULL CHECK (status IN ('unknown','pending','available')),
        available_on timestamptz,
        recheck boolean NOT NULL DEFAULT true,
        checked_at timestamptz
      )`);
    // what wallets held before: one credit without a charge each (paid out from the platform's available balance)
    await q.query(`
      INSERT INTO wallet_credits (user_id, currency, amount)
      SELECT owner_user_id, currency, balance FROM ledger_accounts
       WHERE code LIKE 'wallet:%:available' AND balance > 0 AND owner_user_id IS NOT NULL`);
    // payouts from before: one transfer from the balance each
    await q.query(`
      INSERT INTO payout_transfers (payout_id, source, amount, stripe_transfer_id, stripe_reversal_id)
      SELECT id, 'balance', amount, stripe_transfer_id, stripe_reversal_id FROM payouts`);

    await q.query(`ALTER TABLE connected_accounts ALTER COLUMN stripe_account_id DROP NOT NULL`);
    await q.query(`ALTER TABLE connected_accounts ADD COLUMN past_due text[] NOT NULL DEFAULT '{}'`);
    await q.query(`ALTER TABLE connected_accounts ADD COLUMN current_deadline bigint`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE connected_accounts DROP COLUMN current_deadline`);
    await q.query(`ALTER TABLE connected_accounts DROP COLUMN past_due`);
    await q.query(`DELETE FROM connected_accounts WHERE stripe_account_id IS NULL`);
    await q.query(`ALTER TABLE connected_accounts ALTER COLUMN stripe_account_id SET NOT NULL`);
    await q.query(`DROP TABLE charge_funds`);
    await q.query(`DROP TABLE payout_transfers`);
    await q.query(`DROP TABLE payout_sources`);
    await q.query(`DROP TABLE wallet_credits`);
  }
}
