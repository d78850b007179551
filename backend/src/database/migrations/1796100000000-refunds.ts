import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Refunds as their own rows: reserved (PENDING, the amount frozen on the payment) before the Stripe call, booked
 * (SUCCEEDED) or released (FAILED) after it. The Stripe idempotency key is derived from the row's id; a refund made
 * outside CollabPay (Stripe Dashboard) is recorded here too, once per Stripe refund.
 */
export class Refunds1796100000000 implements MigrationInterface {
  name = 'Refunds1796100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE refunds (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        payment_id uuid NOT NULL REFERENCES payments(id),
        amount bigint NOT NULL CHECK (amount > 0),
        currency text NOT NULL,
        status text NOT NULL CHECK (status IN ('PENDING', 'SUCCEEDED', 'FAILED')),
        reason text,
        requested_by uuid REFERENCES users(id),
        request_key text,
        stripe_refund_id text UNIQUE,
        failure_reason text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz
      )`);
    await q.query(`CREATE UNIQUE INDEX refunds_request_key ON refunds (payment_id, request_key) WHERE request_key IS NOT NULL`);
    await q.query(`CREATE INDEX refunds_payment ON refunds (payment_id)`);
    await q.query(`CREATE INDEX refunds_pending ON refunds (created_at) WHERE status = 'PENDING'`);
    // the single reservation on the payment row (payments.pending_refund) is replaced by these rows
    await q.query(`ALTER TABLE payments DROP COLUMN pending_refund`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE payments ADD COLUMN pending_refund jsonb`);
    await q.query(`DROP TABLE refunds`);
  }
}
