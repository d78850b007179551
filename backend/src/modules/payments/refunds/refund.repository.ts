import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

export type RefundStatus = 'PENDING' | 'SUCCEEDED' | 'FAILED';

export interface RefundRecord {
  id: string;
  paymentId: string;
  amount: number;
  currency: string;
  status: RefundStatus;
  reason: string | null;
  requestedBy: string | null;
  requestKey: string | null;
  stripeRefundId: string | null;
  failureReason: string | null;
  createdAt: string;
}

const COLS = `id, payment_id AS "paymentId", amount::bigint AS amount, currency, status, reason, requested_by AS "requestedBy",
  request_key AS "requestKey", stripe_refund_id AS "stripeRefundId", failure_reason AS "failureReason", created_at AS "createdAt"`;

const toRecord = (r: RefundRecord): RefundRecord => ({ ...r, amount: Number(r.amount) });

/** Refund rows: a reservation (PENDING) before the Stripe call, booked (SUCCEEDED) or released (FAILED) after it. */
@Injectable()
export class RefundRepository {
  constructor(private readonly ds: DataSource) {}

  async insert(
    em: EntityManager,
    r: { paymentId: string; amount: number; currency: string; reason: string | null; requestedBy: string; requestKey: string | null },
  ): Promise<RefundRecord> {
    const rows = await em.query(
      `INSERT INTO refunds (payment_id, amount, currency, status, reason, requested_by, request_key)
       VALUES ($1, $2, $3, 'PENDING', $4, $5, $6) RETURNING ${COLS}`,
      [r.paymentId, r.amount, r.currency, r.reason, r.requestedBy, r.requestKey],
    );
    return toRecord(rows[0]);
  }

  async findById(id: string, em: EntityManager = this.ds.manager, lock = false): Promise<RefundRecord | null> {
    const rows = await em.query(`SELECT ${COLS} FROM refunds WHERE id = $1 ${lock ? 'FOR UPDATE' : ''}`, [id]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async findByRequestKey(em: EntityManager, paymentId: string, requestKey: string): Promise<RefundRecord | null> {
    const rows = await em.query(`SELECT ${COLS} FROM refunds WHERE payment_id = $1 AND request_key = $2`, [paymentId, requestKey]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async listPending(olderThanMs: number, limit = 100): Promise<RefundRecord[]> {
    const rows = await this.ds.query(
      `SELECT ${COLS} FROM refunds WHERE status = 'PENDING' AND created_at <= now() - make_interval(secs => $1::double precision / 1000)
       ORDER BY created_at LIMIT $2`,
      [olderThanMs, limit],
    );
    return rows.map(toRecord);
  }

  async markSucceeded(em: EntityManager, id: string, stripeRefundId: string): Promise<void> {
    await em.query(`UPDATE refunds SET status = 'SUCCEEDED', stripe_refund_id = $2, updated_at = now(), finished_at = now() WHERE id = $1`, [
      id,
      stripeRefundId,
    ]);
  }

  async markFailed(em: EntityManager, id: string, failureReason: string, stripeRefundId: string | null = null): Promise<void> {
    await em.query(
      `UPDATE refunds SET status = 'FAILED', failure_reason = $2, stripe_refund_id = COALESCE($3, stripe_refund_id), updated_at = now(), finished_at = now()
       WHERE id = $1`,
      [id, failureReason, stripeRefundId],
    );
  }
}
