import { MigrationInterface, QueryRunner } from 'typeorm';

/** Users, idempotency, outbox, the double-entry ledger, collaborations, payments and the webhook inbox. */
export class InitialSchema1764000000000 implements MigrationInterface {
  name = 'InitialSchema1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS pgcrypto`);
    await q.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email text NOT NULL,
        password_hash text NOT NULL,
        name text NOT NULL,
        role text NOT NULL CHECK (role IN ('company','influencer','admin')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX users_email_uq ON users (lower(email))`);

    await q.query(`
      CREATE TABLE idempotency_keys (
        user_id uuid NOT NULL,
        scope text NOT NULL,
        key text NOT NULL,
        request_hash text NOT NULL,
        state text NOT NULL CHECK (state IN ('in_progress','completed')),
        response_status int,
        response_body jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        completed_at timestamptz,
        PRIMARY KEY (user_id, scope, key)
      )`);
    await q.query(`CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at)`);

    await q.query(`
      CREATE TABLE user_event_seqs (
        user_id uuid PRIMARY KEY,
        last_seq bigint NOT NULL DEFAULT 0
      )`);
    await q.query(`
      CREATE TABLE outbox_events (
        id bigserial PRIMARY KEY,
        user_id uuid NOT NULL,
        seq bigint NOT NULL,
        event text NOT NULL,
        payload jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz,
        UNIQUE (user_id, seq)
      )`);
    await q.query(`CREATE INDEX outbox_unsent_idx ON outbox_events (id) WHERE sent_at IS NULL`);

    // ---- ledger ----
    await q.query(`
      CREATE TABLE ledger_accounts (
        code text NOT NULL,
        currency text NOT NULL,
        normal text NOT NULL CHECK (normal IN ('debit','credit')),
        non_negative boolean NOT NULL,
        owner_user_id uuid,
        balance bigint NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (code, currency),
        CONSTRAINT ledger_accounts_non_negative CHECK (NOT non_negative OR balance >= 0)
      )`);
    await q.query(`CREATE INDEX ledger_accounts_owner_idx ON ledger_accounts (owner_user_id) WHERE owner_user_id IS NOT NULL`);
    await q.query(`
      CREATE TABLE journal_entries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        type text NOT NULL,
        reference_type text NOT NULL,
        reference_id text NOT NULL,
        description text NOT NULL,
        idempotency_key text UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX journal_entries_ref_idx ON journal_entries (reference_type, reference_id)`);
    await q.query(`
      CREATE TABLE postings (
        id bigserial PRIMARY KEY,
        entry_id uuid NOT NULL REFERENCES journal_entries(id),
        account_code text NOT NULL,
        currency text NOT NULL,
        amount bigint NOT NULL CHECK (amount <> 0),
        balance_after bigint NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        FOREIGN KEY (account_code, currency) REFERENCES ledger_accounts(code, currency)
      )`);
    await q.query(`CREATE INDEX postings_account_idx ON postings (account_code, currency, id DESC)`);
    await q.query(`CREATE INDEX postings_entry_idx ON postings (entry_id)`);
    // Append-only: no UPDATE or DELETE on the journal, ever.
    await q.query(`
      CREATE FUNCTION ledger_forbid_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'ledger is append-only: % on % is not allowed', TG_OP, TG_TABLE_NAME; END $$`);
    await q.query(`CREATE TRIGGER postings_append_only BEFORE UPDATE OR DELETE ON postings FOR EACH ROW EXECUTE FUNCTION ledger_forbid_change()`);
    await q.query(`CREATE TRIGGER journal_entries_append_only BEFORE UPDATE OR DELETE ON journal_entries FOR EACH ROW EXECUTE FUNCTION ledger_forbid_change()`);
    // Every entry balances per currency, checked by the database at commit.
    await q.query(`
      CREATE FUNCTION ledger_check_entry_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE bad text;
      BEGIN
        SELECT currency INTO bad FROM postings WHERE entry_id = NEW.entry_id GROUP BY currency HAVING sum(amount) <> 0 LIMIT 1;
        IF bad IS NOT NULL THEN
          RAISE EXCEPTION 'journal entry % does not balance in %', NEW.entry_id, bad USING ERRCODE = '23514';
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE CONSTRAINT TRIGGER postings_balanced AFTER INSERT ON postings
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_check_entry_balanced()`);

    // ---- collaborations and payments ----
    await q.query(`
      CREATE TABLE collaborations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        company_id uuid NOT NULL REFERENCES users(id),
        influencer_id uuid NOT NULL REFERENCES users(id),
        title text NOT NULL,
        description text,
        amount bigint NOT NULL CHECK (amount > 0),
        currency text NOT NULL,
        billing text NOT NULL DEFAULT 'one_time',
        status text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        accepted_at timestamptz,
        completed_at timestamptz
      )`);
    await q.query(`CREATE INDEX collaborations_company_idx ON collaborations (company_id, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX collaborations_influencer_idx ON collaborations (influencer_id, created_at DESC, id DESC)`);
    await q.query(`
      CREATE TABLE milestones (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        collaboration_id uuid NOT NULL REFERENCES collaborations(id),
        position int NOT NULL,
        title text NOT NULL,
        amount bigint NOT NULL CHECK (amount > 0),
        status text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING','RELEASED','REFUNDED')),
        released_at timestamptz,
        UNIQUE (collaboration_id, position)
      )`);
    await q.query(`
      CREATE TABLE payments (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        collaboration_id uuid NOT NULL REFERENCES collaborations(id),
        period_index int NOT NULL DEFAULT 0,
        company_id uuid NOT NULL REFERENCES users(id),
        influencer_id uuid NOT NULL REFERENCES users(id),
        amount bigint NOT NULL CHECK (amount > 0),
        currency text NOT NULL,
        platform_fee bigint NOT NULL CHECK (platform_fee >= 0),
        influencer_amount bigint NOT NULL CHECK (influencer_amount >= 0),
        amount_released bigint NOT NULL DEFAULT 0 CHECK (amount_released >= 0),
        amount_refunded bigint NOT NULL DEFAULT 0 CHECK (amount_refunded >= 0),
        fee_recognized bigint NOT NULL DEFAULT 0 CHECK (fee_recognized >= 0),
        stripe_fee bigint NOT NULL DEFAULT 0,
        status text NOT NULL,
        status_before_dispute text,
        failure_message text,
        method text NOT NULL DEFAULT 'card',
        stripe_payment_intent_id text UNIQUE,
        stripe_charge_id text,
        stripe_invoice_id text,
        client_secret text,
        version int NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        held_at timestamptz,
        released_at timestamptz,
        UNIQUE (collaboration_id, period_index),
        CHECK (amount_released + amount_refunded <= amount),
        CHECK (platform_fee + influencer_amount = amount)
      )`);
    await q.query(`CREATE INDEX payments_company_idx ON payments (company_id, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX payments_influencer_idx ON payments (influencer_id, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX payments_charge_idx ON payments (stripe_charge_id)`);

    // ---- Stripe webhook inbox ----
    await q.query(`
      CREATE TABLE webhook_events (
        id text PRIMARY KEY,
        type text NOT NULL,
        account text,
        livemode boolean NOT NULL DEFAULT false,
        payload jsonb NOT NULL,
        source text NOT NULL DEFAULT 'webhook',
        status text NOT NULL DEFAULT 'RECEIVED' CHECK (status IN ('RECEIVED','PROCESSED','FAILED','IGNORED')),
        attempts int NOT NULL DEFAULT 0,
        last_error text,
        stripe_created_at timestamptz NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        processed_at timestamptz
      )`);
    await q.query(`CREATE INDEX webhook_events_status_idx ON webhook_events (status, received_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'webhook_events',
      'payments',
      'milestones',
      'collaborations',
      'postings',
      'journal_entries',
      'ledger_accounts',
      'outbox_events',
      'user_event_seqs',
      'idempotency_keys',
      'users',
    ]) {
      await q.query(`DROP TABLE IF EXISTS ${t} CASCADE`);
    }
    await q.query(`DROP FUNCTION IF EXISTS ledger_forbid_change() CASCADE`);
    await q.query(`DROP FUNCTION IF EXISTS ledger_check_entry_balanced() CASCADE`);
  }
}
