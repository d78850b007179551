import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { allocateFifo, CreditSlice, groupBySource, PayoutPart } from './domain/payout-allocation';

export interface OpenCredit extends CreditSlice {
  /** When the charge's funds become available at Stripe (null: available already, unknown, or no charge). */
  availableOn: Date | null;
}

/**
 * Where each part of a wallet balance came from: one `wallet_credits` row per release (the payment and its Stripe
 * charge), drawn on first-in first-out by payouts. The open part of the credits (amount − drawn − removed) always
 * equals the wallet's available balance: credits are written in the transaction that credits the wallet, drawn in
 * the one that debits it for a payout, returned in the one that gives a failed payout back.
 */
@Injectable()
export class WalletCreditsRepository {
  constructor(private readonly ds: DataSource) {}

  /** A release credited the wallet: remember the payment and charge it came from (same transaction as the entry). */
  async record(
    em: EntityManager,
    c: { userId: string; currency: string; amount: number; paymentId: string | null; stripeChargeId: string | null; entryId: string | null },
  ): Promise<void> {
    if (c.amount <= 0) return;
    await em.query(`INSERT INTO wallet_credits (user_id, currency, amount, payment_id, stripe_charge_id, entry_id) VALUES ($1, $2, $3, $4, $5, $6)`, [
      c.userId,
      c.currency,
      c.amount,
      c.paymentId,
      c.stripeChargeId,
      c.entryId,
    ]);
    if (c.stripeChargeId) {
      await em.query(`INSERT INTO charge_funds (stripe_charge_id, status) VALUES ($1, 'unknown') ON CONFLICT (stripe_charge_id) DO NOTHING`, [
        c.stripeChargeId,
      ]);
    }
  }

  /**
   * The open credits of a wallet, oldest first, with whether each may be paid out now. With `em` + `lock`, the rows
   * are locked (FOR UPDATE, in id order, so concurrent payouts of one wallet queue instead of deadlocking).
   * A credit is payable when its charge's funds are available at Stripe (or it has no charge: the platform's
   * available balance pays it), and no transfer of a failed payout that drew on it still waits for its reversal.
   */
  async open(userId: string, currency: string | null, em: EntityManager = this.ds.manager, lock = false): Promise<OpenCredit[]> {
    const rows: Array<Record<string, unknown>> = await em.query(
      `SELECT c.id::text AS id, c.currency, c.stripe_charge_id AS "stripeChargeId", (c.amount - c.drawn - c.removed)::float8 AS open,
              CASE WHEN f.status = 'available' THEN NULL ELSE f.available_on END AS "availableOn",
              ((c.stripe_charge_id IS NULL OR f.status = 'available')
                AND NOT EXISTS (SELECT 1 FROM payout_sources s JOIN payout_transfers t ON t.payout_id = s.payout_id AND t.source = s.source
                                 WHERE s.credit_id = c.id AND s.returned AND t.stripe_transfer_id IS NOT NULL AND t.stripe_reversal_id IS NULL)) AS payable
         FROM wallet_credits c LEFT JOIN charge_funds f ON f.stripe_charge_id = c.stripe_charge_id
        WHERE c.user_id = $1 AND ($2::text IS NULL OR c.currency = $2) AND c.drawn + c.removed < c.amount
        ORDER BY c.id
        ${lock ? 'FOR UPDATE OF c' : ''}`,
      [userId, currency],
    );
    return rows.map((r) => ({
      id: r.id as string,
      currency: r.currency as string,
      stripeChargeId: (r.stripeChargeId as string | null) ?? null,
      open: Number(r.open),
      payable: !!r.payable,
      availableOn: r.availableOn ? new Date(r.availableOn as string) : null,
    }));
  }

  /** Charges behind open credits whose funds are not known to be available (re-read when `recheck` or stale). */
  async chargesToCheck(userId: string, staleMs: number, force: boolean): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.ds.query(
      `SELECT DISTINCT f.stripe_charge_id AS id
         FROM wallet_credits c JOIN charge_funds f ON f.stripe_charge_id = c.stripe_charge_id
        WHERE c.user_id = $1 AND c.drawn + c.removed < c.amount AND f.status <> 'available'
          AND ($3 OR f.recheck OR f.checked_at IS NULL OR f.checked_at < now() - ($2::int * interval '1 millisecond'))`,
      [userId, staleMs, force],
    );
    return rows.map((r) => r.id);
  }

  async setChargeFunds(stripeChargeId: string, status: 'pending' | 'available', availableOn: Date | null): Promise<void> {
    await this.ds.query(
      `INSERT INTO charge_funds (stripe_charge_id, status, available_on, recheck, checked_at) VALUES ($1, $2, $3, false, now())
       ON CONFLICT (stripe_charge_id) DO UPDATE SET status = CASE WHEN charge_funds.status = 'available' THEN 'available' ELSE EXCLUDED.status END,
              available_on = EXCLUDED.available_on, recheck = false, checked_at = now()`,
      [stripeChargeId, status, availableOn],
    );
  }

  /** `balance.available`: funds became available somewhere; pending charges are re-read at the next look. */
  /** Who has open credits on charges whose funds are not known to be available (per currency). */
  async ownersWaitingOnFunds(em: EntityManager): Promise<Array<{ userId: string; currency: string }>> {
    return em.query(
      `SELECT DISTINCT c.user_id::text AS "userId", c.currency
         FROM wallet_credits c JOIN charge_funds f ON f.stripe_charge_id = c.stripe_charge_id
        WHERE f.status <> 'available' AND c.drawn + c.removed < c.amount
        ORDER BY 1, 2`,
    );
  }

  async markPendingForRecheck(em: EntityManager): Promise<number> {
    const [, n] = await em.query(`UPDATE charge_funds SET recheck = true WHERE status <> 'available' AND NOT recheck`);
    return Number(n ?? 0);
  }

  /**
   * Reserves `amount` of a wallet for a payout, first-in first-out over its payable credits, inside the caller's
   * transaction (which also debits the wallet). Records which credit and charge each part came from, and the
   * Transfers to make (one per charge). Returns null when the payable credits do not cover the amount.
   */
  async draw(em: EntityManager, payoutId: string, userId: string, currency: string, amount: number): Promise<PayoutPart[] | null> {
    const credits = await this.open(userId, currency, em, true);
    const slices = allocateFifo(credits, amount);
    if (!slices) return null;
    for (const s of slices) {
      await em.query(`UPDATE wallet_credits SET drawn = drawn + $2 WHERE id = $1`, [s.creditId, s.amount]);
      await em.query(`INSERT INTO payout_sources (payout_id, credit_id, source, amount) VALUES ($1, $2, $3, $4)`, [payoutId, s.creditId, s.source, s.amount]);
    }
    const parts = groupBySource(slices);
    for (const p of parts) {
      await em.query(`INSERT INTO payout_transfers (payout_id, source, amount) VALUES ($1, $2, $3)`, [payoutId, p.source, p.amount]);
    }
    return parts;
  }

  /**
   * A payout failed and its money is back in the wallet: the credits it drew on are open again (once). A payout
   * requested before credits were recorded drew on none: its money comes back as a credit without a charge.
   */
  async giveBack(em: EntityManager, payout: { id: string; userId: string; currency: string; amount: number }): Promise<void> {
    const payoutId = payout.id;
    const [{ n }] = await em.query(`SELECT count(*)::int AS n FROM payout_sources WHERE payout_id = $1`, [payoutId]);
    if (n === 0) {
      // (called once per payout: the state machine applies a failure's ledger effect once)
      await this.record(em, { userId: payout.userId, currency: payout.currency, amount: payout.amount, paymentId: null, stripeChargeId: null, entryId: null });
      return;
    }
    const rows: Array<{ creditId: string; amount: string }> = await em.query(
      `SELECT s.credit_id::text AS "creditId", s.amount FROM payout_sources s JOIN wallet_credits c ON c.id = s.credit_id
        WHERE s.payout_id = $1 AND NOT s.returned ORDER BY s.credit_id FOR UPDATE OF c, s`,
      [payoutId],
    );
    for (const r of rows) {
      await em.query(`UPDATE wallet_credits SET drawn = drawn - $2 WHERE id = $1`, [r.creditId, Number(r.amount)]);
    }
    await em.query(`UPDATE payout_sources SET returned = true WHERE payout_id = $1`, [payoutId]);
  }

  /**
   * Money taken back from a wallet (e.g. a clawback of a refunded payment): closes that much of the open credits,
   * the given payment's first (its charge was refunded, so it has that much less to transfer), then the oldest.
   * Returns what could not be covered by open credits (the caller's debt).
   */
  async remove(em: EntityManager, userId: string, currency: string, amount: number, preferPaymentId?: string): Promise<number> {
    const rows: Array<{ id: string; open: string; paymentId: string | null }> = await em.query(
      `SELECT id::text AS id, (amount - drawn - removed) AS open, payment_id AS "paymentId" FROM wallet_credits
        WHERE user_id = $1 AND currency = $2 AND drawn + removed < amount ORDER BY id FOR UPDATE`,
      [userId, currency],
    );
    const ordered = [...rows.filter((r) => r.paymentId === preferPaymentId), ...rows.filter((r) => r.paymentId !== preferPaymentId)];
    let left = amount;
    for (const r of ordered) {
      if (left <= 0) break;
      const take = Math.min(left, Number(r.open));
      await em.query(`UPDATE wallet_credits SET removed = removed + $2 WHERE id = $1`, [r.id, take]);
      left -= take;
    }
    return left;
  }

  /** Wallets whose open credits differ from their available balance (should be none; used by tests and checks). */
  async mismatches(userId?: string): Promise<Array<{ userId: string; currency: string; credits: number; wallet: number }>> {
    const rows: Array<Record<string, string>> = await this.ds.query(
      `WITH c AS (SELECT user_id, currency, sum(amount - drawn - removed) AS open FROM wallet_credits GROUP BY 1, 2),
            w AS (SELECT owner_user_id AS user_id, currency, balance FROM ledger_accounts WHERE code LIKE 'wallet:%:available')
       SELECT COALESCE(c.user_id, w.user_id) AS "userId", COALESCE(c.currency, w.currency) AS currency,
              COALESCE(c.open, 0)::bigint AS credits, COALESCE(w.balance, 0)::bigint AS wallet
         FROM c FULL OUTER JOIN w ON w.user_id = c.user_id AND w.currency = c.currency
        WHERE COALESCE(c.open, 0) <> COALESCE(w.balance, 0) AND ($1::uuid IS NULL OR COALESCE(c.user_id, w.user_id) = $1)`,
      [userId ?? null],
    );
    return rows.map((r) => ({ userId: r.userId, currency: r.currency, credits: Number(r.credits), wallet: Number(r.wallet) }));
  }
}
