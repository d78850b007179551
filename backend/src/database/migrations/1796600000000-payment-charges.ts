import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Makes a payment's update to HELD a HOT update (the new row version stays on its page, no index gets an entry).
 *
 * `payments.stripe_charge_id` is set when the money arrives; it was the only indexed column that update changes
 * (`payments_charge_idx`, for `charge.refunded` and dispute events), so every HELD payment wrote a new entry into
 * all seven indexes of `payments`. The look-up by charge now goes through `payment_charges` (charge id → payment;
 * PaymentRepository writes it in the statement that sets the charge, and a payment keeps the mapping of every
 * charge it had), and `payments` leaves room on its pages for the new version (`fillfactor` 70, pages written from
 * now on). No foreign key: payments are never deleted, and its check would cost as much as the index it replaces.
 */
export class PaymentCharges1796600000000 implements MigrationInterface {
  name = 'PaymentCharges1796600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE payment_charges (stripe_charge_id text PRIMARY KEY, payment_id uuid NOT NULL)`);
    await q.query(
      `INSERT INTO payment_charges (stripe_charge_id, payment_id)
       SELECT stripe_charge_id, id FROM payments WHERE stripe_charge_id IS NOT NULL ON CONFLICT DO NOTHING`,
    );
    await q.query(`DROP INDEX payments_charge_idx`);
    await q.query(`ALTER TABLE payments SET (fillfactor = 70)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE payments RESET (fillfactor)`);
    await q.query(`CREATE INDEX payments_charge_idx ON payments (stripe_charge_id)`);
    await q.query(`DROP TABLE payment_charges`);
  }
}
