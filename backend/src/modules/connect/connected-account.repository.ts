import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { AccountFacts, ConnectStatus } from './domain/connect-status';

export interface ConnectedAccountRecord {
  userId: string;
  stripeAccountId: string;
  status: Exclude<ConnectStatus, 'NOT_STARTED'>;
  payoutsEnabled: boolean;
  chargesEnabled: boolean;
  detailsSubmitted: boolean;
  requirementsDue: string[];
  disabledReason: string | null;
  stateAt: number;
  syncedAt: Date;
  createdAt: Date;
  updatedAt: Date;
}

const COLS = `user_id AS "userId", stripe_account_id AS "stripeAccountId", status, payouts_enabled AS "payoutsEnabled",
  charges_enabled AS "chargesEnabled", details_submitted AS "detailsSubmitted", requirements_due AS "requirementsDue",
  disabled_reason AS "disabledReason", state_at::float8 AS "stateAt", synced_at AS "syncedAt", created_at AS "createdAt", updated_at AS "updatedAt"`;

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

  /** Inserts the row unless the user already has one; returns the user's row either way. */
  async insert(em: EntityManager, userId: string, stripeAccountId: string, s: AccountState): Promise<ConnectedAccountRecord> {
    await em.query(
      `INSERT INTO connected_accounts (user_id, stripe_account_id, status, payouts_enabled, charges_enabled, details_submitted, requirements_due, disabled_reason, state_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (user_id) DO NOTHING`,
      [userId, stripeAccountId, s.status, s.payoutsEnabled, s.chargesEnabled, s.detailsSubmitted, s.currentlyDue, s.disabledReason, s.stateAt],
    );
    return (await this.findByUser(userId, em))!;
  }

  /**
   * Stores a newer state of the account. `stateAt` orders states: an older one is not written (returns null);
   * the same second is written too (the caller re-read it from Stripe, or it is an event of that second).
   */
  async updateState(em: EntityManager, stripeAccountId: string, s: AccountState): Promise<ConnectedAccountRecord | null> {
    const [rows] = await em.query(
      `UPDATE connected_accounts SET status = $2, payouts_enabled = $3, charges_enabled = $4, details_submitted = $5, requirements_due = $6,
              disabled_reason = $7, state_at = GREATEST(state_at, $8), synced_at = now(), updated_at = now()
        WHERE stripe_account_id = $1 AND state_at <= $8
        RETURNING ${COLS}`,
      [stripeAccountId, s.status, s.payoutsEnabled, s.chargesEnabled, s.detailsSubmitted, s.currentlyDue, s.disabledReason, s.stateAt],
    );
    return rows[0] ?? null;
  }
}
