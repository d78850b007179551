import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Billing: companies as Stripe customers (with their billing details), invoices (pay by invoice and the
 * invoices of monthly retainers) and retainers (a monthly collaboration as a Stripe subscription).
 */
export class Billing1795345269198 implements MigrationInterface {
  name = 'Billing1795345269198';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE billing_customers (
        user_id uuid PRIMARY KEY REFERENCES users(id),
        stripe_customer_id text NOT NULL UNIQUE,
        name text,
        email text,
        address jsonb,
        tax_id_type text,
        tax_id text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE retainers (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        collaboration_id uuid NOT NULL UNIQUE REFERENCES collaborations(id),
        company_id uuid NOT NULL REFERENCES users(id),
        influencer_id uuid NOT NULL REFERENCES users(id),
        amount bigint NOT NULL CHECK (amount > 0),
        currency text NOT NULL,
        stripe_subscription_id text UNIQUE,
        status text NOT NULL,
        cancel_at_period_end boolean NOT NULL DEFAULT false,
        current_period_start timestamptz,
        current_period_end timestamptz,
        default_payment_method text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        canceled_at timestamptz
      )`);
    await q.query(`CREATE INDEX retainers_company_idx ON retainers (company_id, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX retainers_influencer_idx ON retainers (influencer_id, created_at DESC, id DESC)`);
    await q.query(`
      CREATE TABLE invoices (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        stripe_invoice_id text NOT NULL UNIQUE,
        kind text NOT NULL CHECK (kind IN ('one_time','retainer')),
        collaboration_id uuid NOT NULL REFERENCES collaborations(id),
        payment_id uuid REFERENCES payments(id),
        retainer_id uuid REFERENCES retainers(id),
        period_index int,
        company_id uuid NOT NULL REFERENCES users(id),
        influencer_id uuid NOT NULL REFERENCES users(id),
        amount bigint NOT NULL CHECK (amount >= 0),
        currency text NOT NULL,
        status text NOT NULL CHECK (status IN ('draft','open','paid','void','uncollectible')),
        number text,
        hosted_invoice_url text,
        invoice_pdf text,
        due_date timestamptz,
        attempt_count int NOT NULL DEFAULT 0,
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        paid_at timestamptz,
        voided_at timestamptz
      )`);
    await q.query(`CREATE INDEX invoices_company_idx ON invoices (company_id, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX invoices_influencer_idx ON invoices (influencer_id, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX invoices_payment_idx ON invoices (payment_id)`);
    // at most one open (or draft) one-time invoice per payment: a collaboration is never invoiced twice at once
    await q.query(`CREATE UNIQUE INDEX invoices_one_open_per_payment ON invoices (payment_id) WHERE kind = 'one_time' AND status IN ('draft','open')`);
    await q.query(`CREATE INDEX payments_invoice_idx ON payments (stripe_invoice_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS payments_invoice_idx`);
    for (const t of ['invoices', 'retainers', 'billing_customers']) await q.query(`DROP TABLE IF EXISTS ${t} CASCADE`);
  }
}
