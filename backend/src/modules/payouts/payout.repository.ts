import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Keyset } from '../../common/pagination/pagination';
import type { PayoutStatus } from './domain/payout-status.machine';

/** One Stripe Transfer of a payout: from one charge (`source` = its id, as `source_transaction`) or from the balance. */
export interface PayoutTransferRecord {
  payoutId: string;
  source: string;
  amount: number;
  stripeTransferId: string | null;
  stripeReversalId: string | null;
}

export interface PayoutRecord {
  id: string;
  userId: string;
  amount: number;
  currency: string;
  status: PayoutStatus;
  stripeAccountId: string;
  stripeTransferId: string | null;
  stripePayoutId: string | null;
  stripeReversalId: string | null;
  failureCode: string | null;
  failureMessage: string | null;
  attempts: number;
  lastError: string | null;
  leaseUntil: Date | null;
  nextAttemptAt: Date;
  requestedAt: Date;
  updatedAt: Date;
  inTransitAt: Date | null;
  completedAt: Date | null;
  failedAt: Date | null;
}

const COLS = `id, user_id AS "userId", amount::float8 AS amount, currency, status, stripe_account_id AS "stripeAccountId",
  stripe_transfer_id AS "stripeTransferId", stripe_payout_id AS "stripePayoutId", stripe_reversal_id AS "stripeReversalId",
  failure_code AS "failureCode", failure_message AS "failureMessage", attempts, last_error AS "lastError", lease_until AS "leaseUntil",
  next_attempt_at AS "nextAttemptAt", requested_at AS "requestedAt", updated_at AS "updatedAt", in_transit_at AS "inTransitAt",
  completed_at AS "completedAt", failed_at AS "failedAt"`;

/** Data access for `payouts`. Raw SQL: the conditional updates below are what makes concurrent executors safe. */
@Injectable()
export class PayoutRepository {
  constructor(private readonly ds: DataSource) {}

  async insert(em: EntityManager, p: { userId: string; amount: number; currency: string; stripeAccountId: string }): Promise<PayoutRecord> {
    const [row] = await em.query(
      `INSERT INTO payouts (user_id, amount, currency, status, stripe_account_id) VALUES ($1, $2, $3, 'PENDING', $4) RETURNING ${COLS}`,
      [p.userId, p.amount, p.currency, p.stripeAccountId],
    );
    return row;
  }

  async findById(id: string, em: EntityManager = this.ds.manager, lock = false): Promise<PayoutRecord | null> {
    const rows = await em.query(`SELECT ${COLS} FROM payouts WHERE id = $1 ${lock ? 'FOR UPDATE' : ''}`, [id]);
    return rows[0] ?? null;
  }

  async findByStripePayout(stripePayoutId: string, em: EntityManager = this.ds.manager, lock = false): Promise<PayoutRecord | null> {
    const rows = await em.query(`SELECT ${COLS} FROM payouts WHERE stripe_payout_id = $1 ${lock ? 'FOR UPDATE' : ''}`, [stripePayoutId]);
    return rows[0] ?? null;
  }

  /** Status change with its timestamps; Stripe ids are set only when still unknown. */
  async update(
    em: EntityManager,
    id: string,
    patch: { status?: PayoutStatus; stripePayoutId?: string; failureCode?: string; failureMessage?: string },
  ): Promise<PayoutRecord> {
    const [[row]] = await em.query(
      `UPDATE payouts SET
          status = COALESCE($2, status),
          stripe_payout_id = COALESCE(stripe_payout_id, $3),
          failure_code = COALESCE($4, failure_code),
          failure_message = COALESCE($5, failure_message),
          in_transit_at = CASE WHEN $2 = 'IN_TRANSIT' THEN COALESCE(in_transit_at, now()) ELSE in_transit_at END,
          completed_at = CASE WHEN $2 = 'COMPLETED' THEN now() ELSE completed_at END,
          failed_at = CASE WHEN $2 = 'FAILED' THEN now() ELSE failed_at END,
          updated_at = now()
        WHERE id = $1 RETURNING ${COLS}`,
      [id, patch.status ?? null, patch.stripePayoutId ?? null, patch.failureCode ?? null, patch.failureMessage ?? null],
    );
    return row;
  }

  async setTransfer(id: string, transferId: string, em: EntityManager = this.ds.manager): Promise<void> {
    await em.query(`UPDATE payouts SET stripe_transfer_id = $2, updated_at = now() WHERE id = $1 AND stripe_transfer_id IS NULL`, [id, transferId]);
  }

  /** The payout's transfers (one per charge it draws on), in a stable order. */
  async transfers(payoutId: string, em: EntityManager = this.ds.manager): Promise<PayoutTransferRecord[]> {
    const rows = await em.query(
      `SELECT payout_id AS "payoutId", source, amount::float8 AS amount, stripe_transfer_id AS "stripeTransferId", stripe_reversal_id AS "stripeReversalId"
         FROM payout_transfers WHERE payout_id = $1 ORDER BY source = 'balance', source`,
      [payoutId],
    );
    return rows.map((r: PayoutTransferRecord) => ({ ...r, amount: Number(r.amount) }));
  }

  /** Records the Stripe id of one of the payout's transfers (and the first one on the payout itself). */
  async setPartTransfer(payoutId: string, source: string, transferId: string, em: EntityManager = this.ds.manager): Promise<void> {
    await em.query(`UPDATE payout_transfers SET stripe_transfer_id = $3 WHERE payout_id = $1 AND source = $2 AND stripe_transfer_id IS NULL`, [
      payoutId,
      source,
      transferId,
    ]);
    await this.setTransfer(payoutId, transferId, em);
  }

  async setPartReversal(payoutId: string, source: string, reversalId: string): Promise<void> {
    await this.ds.query(`UPDATE payout_transfers SET stripe_reversal_id = $3 WHERE payout_id = $1 AND source = $2 AND stripe_reversal_id IS NULL`, [
      payoutId,
      source,
      reversalId,
    ]);
  }

  async setReversal(id: string, reversalId: string): Promise<void> {
    await this.ds.query(`UPDATE payouts SET stripe_reversal_id = $2, updated_at = now() WHERE id = $1 AND stripe_reversal_id IS NULL`, [id, reversalId]);
  }

  /**
   * Takes the execution lease of a PENDING payout (one executor at a time; an executor that dies loses it when it
   * expires). Counts the attempt. Returns null when the payout is not PENDING or another executor holds it.
   */
  async lease(id: string, ms: number): Promise<PayoutRecord | null> {
    const [rows] = await this.ds.query(
      `UPDATE payouts SET lease_until = now() + ($2::int * interval '1 millisecond'), attempts = attempts + 1, updated_at = now()
        WHERE id = $1 AND status = 'PENDING' AND (lease_until IS NULL OR lease_until < now())
        RETURNING ${COLS}`,
      [id, ms],
    );
    return rows[0] ?? null;
  }

  /** Gives the lease back; with an error, records it and when to try again. */
  async release(id: string, error?: { message: string; retryInMs: number }): Promise<void> {
    if (error) {
      await this.ds.query(
        `UPDATE payouts SET lease_until = NULL, last_error = $2, next_attempt_at = now() + ($3::int * interval '1 millisecond'), updated_at = now() WHERE id = $1`,
        [id, error.message.slice(0, 1000), error.retryInMs],
      );
    } else {
      await this.ds.query(`UPDATE payouts SET lease_until = NULL, updated_at = now() WHERE id = $1`, [id]);
    }
  }

  /** PENDING payouts due for another attempt, IN_TRANSIT ones not heard of for a while, FAILED ones whose transfer is not reversed. */
  async forReconciliation(
    olderThanMs: number,
    inTransitOlderThanMs: number,
    limit: number,
  ): Promise<{ pending: string[]; inTransit: string[]; unreversed: string[] }> {
    const pending = await this.ds.query(
      `SELECT id FROM payouts WHERE status = 'PENDING' AND next_attempt_at <= now() AND updated_at < now() - ($1::int * interval '1 millisecond')
         AND (lease_until IS NULL OR lease_until < now()) ORDER BY requested_at LIMIT $2`,
      [olderThanMs, limit],
    );
    const inTransit = await this.ds.query(
      `SELECT id FROM payouts WHERE status = 'IN_TRANSIT' AND updated_at < now() - ($1::int * interval '1 millisecond') ORDER BY requested_at LIMIT $2`,
      [inTransitOlderThanMs, limit],
    );
    const unreversed = await this.ds.query(
      `SELECT p.id FROM payouts p WHERE p.status = 'FAILED' AND p.stripe_transfer_id IS NOT NULL AND p.stripe_reversal_id IS NULL
          AND EXISTS (SELECT 1 FROM payout_transfers t WHERE t.payout_id = p.id AND t.stripe_transfer_id IS NOT NULL AND t.stripe_reversal_id IS NULL)
        ORDER BY p.requested_at LIMIT $1`,
      [limit],
    );
    const ids = (rows: Array<{ id: string }>) => rows.map((r) => r.id);
    return { pending: ids(pending), inTransit: ids(inTransit), unreversed: ids(unreversed) };
  }

  async touch(id: string): Promise<void> {
    await this.ds.query(`UPDATE payouts SET updated_at = now() WHERE id = $1`, [id]);
  }

  async listForUser(userId: string, limit: number, after: Keyset | null, status?: string): Promise<PayoutRecord[]> {
    const params: unknown[] = [userId, limit + 1];
    const where = ['user_id = $1'];
    if (after) {
      params.push(after.createdAt, after.id);
      where.push(`(requested_at, id) < ($${params.length - 1}, $${params.length})`);
    }
    if (status) {
      params.push(status);
      where.push(`status = $${params.length}`);
    }
    return this.ds.query(`SELECT ${COLS} FROM payouts WHERE ${where.join(' AND ')} ORDER BY requested_at DESC, id DESC LIMIT $2`, params);
  }
}
