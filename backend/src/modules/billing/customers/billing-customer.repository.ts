import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

export interface BillingAddress {
  line1: string;
  line2?: string | null;
  city: string;
  postalCode: string;
  state?: string | null;
  country: string;
}

export interface BillingCustomerRecord {
  userId: string;
  stripeCustomerId: string;
  name: string | null;
  email: string | null;
  address: BillingAddress | null;
  taxIdType: string | null;
  taxId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

const COLS = `user_id AS "userId", stripe_customer_id AS "stripeCustomerId", name, email, address, tax_id_type AS "taxIdType", tax_id AS "taxId",
  created_at AS "createdAt", updated_at AS "updatedAt"`;

@Injectable()
export class BillingCustomerRepository {
  constructor(private readonly ds: DataSource) {}

  async findByUser(userId: string, em: EntityManager = this.ds.manager): Promise<BillingCustomerRecord | null> {
    const rows = await em.query(`SELECT ${COLS} FROM billing_customers WHERE user_id = $1`, [userId]);
    return rows[0] ?? null;
  }

  async findByStripeId(customerId: string, em: EntityManager = this.ds.manager): Promise<BillingCustomerRecord | null> {
    const rows = await em.query(`SELECT ${COLS} FROM billing_customers WHERE stripe_customer_id = $1`, [customerId]);
    return rows[0] ?? null;
  }

  /** Concurrent creators converge on the first row (the Stripe customer comes from one idempotency key anyway). */
  async insertIfMissing(r: { userId: string; stripeCustomerId: string; name: string | null; email: string | null }): Promise<BillingCustomerRecord> {
    await this.ds.query(`INSERT INTO billing_customers (user_id, stripe_customer_id, name, email) VALUES ($1, $2, $3, $4) ON CONFLICT (user_id) DO NOTHING`, [
      r.userId,
      r.stripeCustomerId,
      r.name,
      r.email,
    ]);
    return (await this.findByUser(r.userId))!;
  }

  async updateDetails(
    userId: string,
    d: { name: string; email: string; address: BillingAddress | null; taxIdType: string | null; taxId: string | null },
  ): Promise<BillingCustomerRecord> {
    const [[row]] = await this.ds.query(
      `UPDATE billing_customers SET name = $2, email = $3, address = $4, tax_id_type = $5, tax_id = $6, updated_at = now() WHERE user_id = $1 RETURNING ${COLS}`,
      [userId, d.name, d.email, d.address ? JSON.stringify(d.address) : null, d.taxIdType, d.taxId],
    );
    return row;
  }
}
