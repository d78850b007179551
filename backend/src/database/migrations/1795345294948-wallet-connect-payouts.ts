import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Connect onboarding (one Express account per influencer) and payouts from the wallet.
 * The money itself lives in the ledger (wallet available → payouts:in_transit → out); these tables hold the
 * Stripe side of a payout: which Transfer and which Payout belong to it, and where it is in its life.
 */
export class WalletConnectPayouts1795345294948 implements MigrationInterface {
  name = 'WalletConnectPayouts1795345294948';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE connected_accounts (
        user_id uuid PRIMARY KEY REFERENCES users(id),
        stripe_account_id text NOT NULL UNIQUE,
        status text NOT NULL CHECK (status IN ('PENDING','ACTIVE','RESTRICTED')),
        payouts_enabled boolean NOT NULL DEFAULT false,
        charges_enabled boolean NOT NULL DEFAULT false,
        details_submitted boolean NOT NULL DEFAULT false,
        requirements_due text[] NOT NULL DEFAULT '{}',
        disabled_reason text,
        -- Stripe time (unix seconds) of the state we hold: older account.updated events are ignored
        state_at bigint NOT NULL DEFAULT 0,
        synced_at timestamptz NOT NULL DEFAULT now(),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);

    await q.query(`
      CREATE TABLE payouts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id),
        amount bigint NOT NULL CHECK (amount > 0),
        currency text NOT NULL,
        status text NOT NULL CHECK (status IN ('PENDING','IN_TRANSIT','COMPLETED','FAILED','CANCELED')),
        stripe_account_id text NOT NULL,
        stripe_transfer_id text UNIQUE,
        stripe_payout_id text UNIQUE,
        stripe_reversal_id text,
        failure_code text,
        failure_message text,
        -- execution bookkeeping: attempts at the Stripe calls, the last error, a lease against concurrent executors
        attempts int NOT NULL DEFAULT 0,
        last_error text,
        lease_until timestamptz,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        -- millisecond precision so that the (requested_at, id) keyset cursor round-trips through a JS Date
        requested_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
        updated_at timestamptz NOT NULL DEFAULT now(),
        in_transit_at timestamptz,
        completed_at timestamptz,
        failed_at timestamptz
      )`);
    await q.query(`CREATE INDEX payouts_user_idx ON payouts (user_id, requested_at DESC, id DESC)`);
    await q.query(`CREATE INDEX payouts_open_idx ON payouts (next_attempt_at) WHERE status IN ('PENDING','IN_TRANSIT')`);
    await q.query(
      `CREATE INDEX payouts_unreversed_idx ON payouts (id) WHERE status = 'FAILED' AND stripe_transfer_id IS NOT NULL AND stripe_reversal_id IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS payouts`);
    await q.query(`DROP TABLE IF EXISTS connected_accounts`);
  }
}
