import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The client requests (Idempotency-Key digests) that a clawback finished: a retry under one of them after the
 * clawback was finished — by another request or by reconciliation — answers the payment and claws back nothing more.
 * (A clawback reservation itself stays in `payments.pending_clawback`, now with an id and a time.)
 */
export class ClawbackRequests1796200000000 implements MigrationInterface {
  name = 'ClawbackRequests1796200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE clawback_requests (
        payment_id uuid NOT NULL REFERENCES payments(id),
        request_key text NOT NULL,
        stripe_refund_id text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (payment_id, request_key)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE clawback_requests`);
  }
}
