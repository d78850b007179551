import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { AccountFacts, ConnectStatus } from './domain/connect-status';

export interface ConnectedAccountRecord {
  userId: string;
  /** Null while the Stripe account is being created (the row is reserved before the Stripe call). */
  stripeAccountId: string | null;
  status: Exclude<ConnectStatus, 'NOT_STARTED'>;
  payoutsEnabled: boolean;
  chargesEnabled: boolean;
  detailsSubmitted: boolean;
  requirementsDue: string[];
  disabledReason: string | null;
  pastDue: string[];
  currentDeadline: number | null;
  stateAt: number;
  syncedAt: Date;
  createdAt: Date;
  updatedAt: Date;
}

const COLS = `user_id AS "userId", stripe_account_id AS "stripeAccountId", status, payouts_enabled AS "payoutsEnabled",
  charges_enabled AS "chargesEnabled", details_submitted AS "detailsSubmitted", requirements_due AS "requirementsDue",
  disabled_reason AS "disabledReason", past_due AS "pastDue", current_deadline::float8 AS "currentDeadline", state_at::float8 AS "stateAt", synced_at AS "syncedAt", created_at AS "createdAt", updated_at AS "updatedAt"`;

export interface AccountState extends AccountFacts {
  status: Exclude<ConnectStatus, 'NOT_STARTED'>;
  chargesEnabled: boolean;
  /** Stripe time (unix seconds) this state is from. */
  stateAt: number;
}

/** Data access for `connected_accounts` (one Stripe Express account per influencer). */
@Injectable()
export class ConnectedAccountRepository {
  constructor(private readonly ds: DataSource) {}

  async findByUser(userId: string, em: EntityManager = this.ds.manager, lock = false): Promise<ConnectedAccountRecord | null> {
    const rows = await em.query(`SELECT ${COLS} FROM connected_accounts WHERE user_id = $1 ${lock ? 'FOR UPDATE' : ''}`, [userId]);
    return rows[0] ?? null;
  }

  async findByStripeId(accountId: string, em: EntityManager = this.ds.manager, lock = false): Promise<ConnectedAccountRecord | null> {
    const rows = await em.query(`SELECT ${COLS} FROM connected_accounts WHERE stripe_account_id = $1 ${lock ? 'FOR UPDATE' : ''}`, [accountId]);
    return rows[0] ?? null;
  }

  /**
   * Reserves the user's row before the Stripe account exists (committed on its own, so that no lock is held while
   * Stripe creates the account). Returns the user's row, reserved now or before.
   */
  async reserve(userId: string): Promise<ConnectedAccountRecord> {
    await this.ds.query(`INSERT INTO connected_accounts (user_id, status) VALUES ($1, 'PENDING') ON CONFLICT (user_id) DO NOTHING`, [userId]);
    return (await this.findByUser(userId))!;
  }

  /** Completes a reserved row with the Stripe account Stripe created for it (no-op when already completed). */
  async complete(userId: string, stripeAccountId: string, s: AccountState): Promise<ConnectedAccountRecord> {
    await this.ds.query(
      `UPDATE connected_accounts SET stripe_account_id = $2, status = $3, payouts_enabled = $4, charges_enabled = $5, details_submitted = $6,
              requirements_due = $7, disabled_reason = $8, past_due = $9, current_deadline = $10, state_at = $11, synced_at = now(), updated_at = now()
        WHERE user_id = $1 AND stripe_account_id IS NULL`,
      [
        userId,
        stripeAccountId,
        s.status,
        s.payoutsEnabled,
        s.chargesEnabled,
        s.detailsSubmitted,
        s.currentlyDue,
        s.disabledReason,
        s.pastDue,
        s.currentDeadline,
        s.stateAt,
      ],
    );
    return (await this.findByUser(userId))!;
  }

  /**
   * Stores a newer state of the account. `stateAt` orders states: an older one is not written (returns null);
   * the same second is written too (the caller re-read it from Stripe, or it is an event of that second).
   */
  async updateState(em: EntityManager, stripeAccountId: string, s: AccountState): Promise<ConnectedAccountRecord | null> {
    const [rows] = await em.query(
      `UPDATE connected_accounts SET status = $2, payouts_enabled = $3, charges_enabled = $4, details_submitted = $5, requirements_due = $6,
              disabled_reason = $7, past_due = $9, current_deadline = $10, state_at = GREATEST(state_at, $8), synced_at = now(), updated_at = now()
        WHERE stripe_account_id = $1 AND state_at <= $8
        RETURNING ${COLS}`,
      [
        stripeAccountId,
        s.status,
        s.payoutsEnabled,
        s.chargesEnabled,
        s.detailsSubmitted,
        s.currentlyDue,
        s.disabledReason,
        s.stateAt,
        s.pastDue,
        s.currentDeadline,
      ],
    );
    return rows[0] ?? null;
  }
}
