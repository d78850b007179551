import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Keyset } from '../../common/pagination/pagination';
import type { PaymentSnapshot, PaymentStatus } from './domain/payment-status.machine';

/** A clawback reserved under the payment's lock before its Stripe refund (reservations from before ids have no `id`/`reservedAt`). */
export interface PendingClawback {
  amount: number;
  reason: string;
  actorId: string;
  /** the reservation: in the Stripe refund's key and metadata (`collabpay_clawback`) */
  id?: string;
  /** when it was made or last renewed by a request (ISO); reconciliation resolves old ones */
  reservedAt?: string;
  /** the client's Idempotency-Key (digest) of the request that made it */
  requestKey?: string;
}

export interface PaymentRecord {
  id: string;
  collaborationId: string;
  periodIndex: number;
  companyId: string;
  influencerId: string;
  amount: number;
  currency: string;
  platformFee: number;
  influencerAmount: number;
  amountReleased: number;
  amountRefunded: number;
  /** refunded to the company after release and recovered from the influencer */
  amountClawedBack: number;
  /** a clawback reserved before its Stripe refund */
  pendingClawback: PendingClawback | null;
  /** refunds of held money reserved before their Stripe call (PENDING rows of `refunds`): frozen until booked or released */
  refundReserved: number;
  feeRecognized: number;
  stripeFee: number;
  status: PaymentStatus;
  statusBeforeDispute: PaymentStatus | null;
  failureMessage: string | null;
  method: string;
  stripePaymentIntentId: string | null;
  stripeChargeId: string | null;
  stripeInvoiceId: string | null;
  clientSecret: string | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  heldAt: Date | null;
  releasedAt: Date | null;
}

const COLS = `id, collaboration_id AS "collaborationId", period_index AS "periodIndex", company_id AS "companyId", influencer_id AS "influencerId",
  amount, currency, platform_fee AS "platformFee", influencer_amount AS "influencerAmount", amount_released AS "amountReleased",
  amount_refunded AS "amountRefunded", amount_clawed_back AS "amountClawedBack", pending_clawback AS "pendingClawback", (SELECT COALESCE(sum(r.amount), 0) FROM refunds r WHERE r.payment_id = payments.id AND r.status = 'PENDING')::bigint AS "refundReserved", fee_recognized AS "feeRecognized", stripe_fee AS "stripeFee", status,
  status_before_dispute AS "statusBeforeDispute", failure_message AS "failureMessage", method,
  stripe_payment_intent_id AS "stripePaymentIntentId", stripe_charge_id AS "stripeChargeId", stripe_invoice_id AS "stripeInvoiceId",
  client_secret AS "clientSecret", version, created_at AS "createdAt", updated_at AS "updatedAt", held_at AS "heldAt", released_at AS "releasedAt"`;

export type PaymentPatch = Partial<
  Pick<
    PaymentRecord,
    | 'status'
    | 'statusBeforeDispute'
    | 'failureMessage'
    | 'amountReleased'
    | 'amountRefunded'
    | 'amountClawedBack'
    | 'pendingClawback'
    | 'feeRecognized'
    | 'stripeFee'
    | 'stripeChargeId'
    | 'stripePaymentIntentId'
    | 'clientSecret'
    | 'stripeInvoiceId'
    | 'method'
  >
> & { heldAt?: 'now'; releasedAt?: 'now' };

const COLUMN: Record<string, string> = {
  status: 'status',
  statusBeforeDispute: 'status_before_dispute',
  failureMessage: 'failure_message',
  amountReleased: 'amount_released',
  amountRefunded: 'amount_refunded',
  amountClawedBack: 'amount_clawed_back',
  pendingClawback: 'pending_clawback',
  feeRecognized: 'fee_recognized',
  stripeFee: 'stripe_fee',
  stripeChargeId: 'stripe_charge_id',
  stripePaymentIntentId: 'stripe_payment_intent_id',
  clientSecret: 'client_secret',
  stripeInvoiceId: 'stripe_invoice_id',
  method: 'method',
};

export const paymentSnapshot = (p: PaymentRecord): PaymentSnapshot => ({
  status: p.status,
  amount: p.amount,
  amountReleased: p.amountReleased,
  amountRefunded: p.amountRefunded,
  statusBeforeDispute: p.statusBeforeDispute,
});

/** Held money not reserved by a refund waiting for Stripe: what a release may take. */
export const heldFree = (p: PaymentRecord): number => p.amount - p.amountReleased - p.amountRefunded - p.refundReserved;

/** The snapshot as if the reserved refund were done: releases and new refunds are checked against it. */
export const reservedSnapshot = (p: PaymentRecord): PaymentSnapshot => ({
  ...paymentSnapshot(p),
  amountRefunded: p.amountRefunded + p.refundReserved,
});

@Injectable()
export class PaymentRepository {
  constructor(private readonly ds: DataSource) {}

  async insert(
    em: EntityManager,
    p: {
      collaborationId: string;
      periodIndex?: number;
      companyId: string;
      influencerId: string;
      amount: number;
      currency: string;
      platformFee: number;
      method?: string;
    },
  ): Promise<PaymentRecord> {
    const [row] = await em.query(
      `INSERT INTO payments (collaboration_id, period_index, company_id, influencer_id, amount, currency, platform_fee, influencer_amount, status, method)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $5::bigint - $7::bigint, 'PENDING', $8) RETURNING ${COLS}`,
      [p.collaborationId, p.periodIndex ?? 0, p.companyId, p.influencerId, p.amount, p.currency, p.platformFee, p.method ?? 'card'],
    );
    return row;
  }

  /**
   * One payment by `where` (`$1` = `arg`). With `lock`, the row is locked first and then read by a second statement:
   * a statement that waited for the lock sees the row's new version but otherwise its old snapshot, so the refunds
   * another transaction reserved before releasing the lock would be missing from `refundReserved`.
   */
  private async findOne(em: EntityManager, where: string, arg: string, lock: boolean): Promise<PaymentRecord | null> {
    if (lock) {
      const [locked] = await em.query(`SELECT id FROM payments WHERE ${where} FOR UPDATE`, [arg]);
      if (!locked) return null;
      const rows = await em.query(`SELECT ${COLS} FROM payments WHERE id = $1`, [locked.id]);
      return rows[0] ?? null;
    }
    const rows = await em.query(`SELECT ${COLS} FROM payments WHERE ${where}`, [arg]);
    return rows[0] ?? null;
  }

  async findById(id: string, em: EntityManager = this.ds.manager, lock = false): Promise<PaymentRecord | null> {
    return this.findOne(em, 'id = $1', id, lock);
  }

  async findByCollaboration(collaborationId: string, em: EntityManager = this.ds.manager, lock = false): Promise<PaymentRecord | null> {
    return this.findOne(em, 'id = (SELECT id FROM payments WHERE collaboration_id = $1 ORDER BY period_index DESC LIMIT 1)', collaborationId, lock);
  }

  async findByIntent(intentId: string, em: EntityManager = this.ds.manager, lock = false): Promise<PaymentRecord | null> {
    return this.findOne(em, 'stripe_payment_intent_id = $1', intentId, lock);
  }

  /** The payment that had this charge (`payment_charges`, which a trigger fills: no index on `payments` for it). */
  async findByCharge(chargeId: string, em: EntityManager = this.ds.manager, lock = false): Promise<PaymentRecord | null> {
    return this.findOne(em, 'id = (SELECT payment_id FROM payment_charges WHERE stripe_charge_id = $1)', chargeId, lock);
  }

  /** Payments with a clawback reserved at least `olderThanMs` ago (its request died or is long gone). */
  async listStaleClawbacks(olderThanMs: number, limit = 100): Promise<PaymentRecord[]> {
    return this.ds.query(
      `SELECT ${COLS} FROM payments WHERE pending_clawback IS NOT NULL
          AND COALESCE((pending_clawback->>'reservedAt')::timestamptz, updated_at) <= now() - make_interval(secs => $1::double precision / 1000)
        ORDER BY updated_at LIMIT $2`,
      [olderThanMs, limit],
    );
  }

  /** Locks these payments (in id order, so concurrent batches cannot deadlock), then reads them (see `findOne`). */
  async lockMany(em: EntityManager, ids: string[]): Promise<PaymentRecord[]> {
    if (!ids.length) return [];
    await em.query(`SELECT id FROM payments WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`, [ids]);
    return em.query(`SELECT ${COLS} FROM payments WHERE id = ANY($1::uuid[])`, [ids]);
  }

  /**
   * Funds arrived on many card payments at once (set-based `update` of `markHeld`): HELD, charge and fee, held_at.
   */
  async markHeldMany(em: EntityManager, rows: Array<{ id: string; chargeId: string | null; fee: number }>): Promise<void> {
    if (!rows.length) return;
    // one statement: the rows (a HOT update: no index covers what changes) and their charges' look-up entries
    await em.query(
      `WITH held AS (
         UPDATE payments p SET status = 'HELD', failure_message = NULL, stripe_charge_id = COALESCE(v.charge, p.stripe_charge_id), stripe_fee = v.fee,
                method = 'card', held_at = COALESCE(p.held_at, now()), updated_at = now(), version = p.version + 1
           FROM unnest($1::uuid[], $2::text[], $3::bigint[]) AS v(id, charge, fee) WHERE p.id = v.id
         RETURNING p.id, v.charge
       )
       INSERT INTO payment_charges (stripe_charge_id, payment_id) SELECT charge, id FROM held WHERE charge IS NOT NULL ON CONFLICT DO NOTHING`,
      [rows.map((r) => r.id), rows.map((r) => r.chargeId), rows.map((r) => r.fee)],
    );
  }

  /** Records which payment each charge belongs to (`findByCharge`); a charge already recorded keeps its payment. */
  private async mapCharges(em: EntityManager, rows: Array<{ id: string; chargeId: string }>): Promise<void> {
    await em.query(`INSERT INTO payment_charges (stripe_charge_id, payment_id) SELECT * FROM unnest($1::text[], $2::uuid[]) ON CONFLICT DO NOTHING`, [
      rows.map((r) => r.chargeId),
      rows.map((r) => r.id),
    ]);
  }

  /** Updates the listed fields and bumps `version`. */
  async update(em: EntityManager, id: string, patch: PaymentPatch): Promise<PaymentRecord> {
    const sets: string[] = ['updated_at = now()', 'version = version + 1'];
    const params: unknown[] = [id];
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined) continue;
      if (k === 'heldAt') sets.push('held_at = COALESCE(held_at, now())');
      else if (k === 'releasedAt') sets.push('released_at = now()');
      else {
        params.push(v);
        sets.push(`${COLUMN[k]} = $${params.length}`);
      }
    }
    const [[row]] = await em.query(`UPDATE payments SET ${sets.join(', ')} WHERE id = $1 RETURNING ${COLS}`, params);
    if (patch.stripeChargeId) await this.mapCharges(em, [{ id, chargeId: patch.stripeChargeId }]);
    return row;
  }

  /** Sets the intent only if none is set yet (concurrent creators converge on one intent). */
  async attachIntent(em: EntityManager, id: string, intentId: string, clientSecret: string): Promise<void> {
    await em.query(
      `UPDATE payments SET stripe_payment_intent_id = $2, client_secret = $3, updated_at = now() WHERE id = $1 AND stripe_payment_intent_id IS NULL`,
      [id, intentId, clientSecret],
    );
  }

  async listForUser(user: { id: string; role: string }, limit: number, after: Keyset | null, status?: string): Promise<PaymentRecord[]> {
    const params: unknown[] = [limit + 1];
    const where: string[] = [];
    if (user.role === 'company') {
      params.push(user.id);
      where.push(`company_id = $${params.length}`);
    } else if (user.role === 'influencer') {
      params.push(user.id);
      where.push(`influencer_id = $${params.length}`);
    }
    if (after) {
      params.push(after.createdAt, after.id);
      where.push(`(created_at, id) < ($${params.length - 1}, $${params.length})`);
    }
    if (status) {
      params.push(status);
      where.push(`status = $${params.length}`);
    }
    return this.ds.query(
      `SELECT ${COLS} FROM payments ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY created_at DESC, id DESC LIMIT $1`,
      params,
    );
  }
}
