import { Inject, Injectable, Logger } from '@nestjs/common';
import Stripe from 'stripe';
import { DataSource, EntityManager } from 'typeorm';
import type { AuthUser } from '../../common/auth/auth.types';
import { inTransaction } from '../../common/database/transaction';
import { badRequest, conflict } from '../../common/errors/app-error';
import { stripeErrorToApp } from '../payments/payments.service';
import { STRIPE } from '../stripe/stripe.module';
import { AccountState, ConnectedAccountRecord, ConnectedAccountRepository } from './connected-account.repository';
import { accountFacts, ConnectStatus, deriveConnectStatus } from './domain/connect-status';

export interface ConnectStatusView {
  status: ConnectStatus;
  payoutsEnabled: boolean;
  requirementsDue: string[];
  accountId?: string;
  detailsSubmitted?: boolean;
  disabledReason?: string | null;
}

/** A non-ACTIVE account is re-read from Stripe when our copy is older than this (the webhook may be late). */
const REFRESH_PENDING_MS = 5_000;
/** An ACTIVE account is re-read now and then too (account.updated remains the main source). */
const REFRESH_ACTIVE_MS = 3_600_000;

export function accountState(acct: Stripe.Account, stateAt: number): AccountState {
  const facts = accountFacts(acct);
  const status = deriveConnectStatus(facts) as AccountState['status'];
  return { ...facts, status, chargesEnabled: !!acct.charges_enabled, stateAt };
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

/**
 * Connect onboarding for influencers: one Express account each, hosted onboarding through account links, and
 * the account's state kept from `account.updated` (and re-read from Stripe when our copy may be stale).
 */
@Injectable()
export class ConnectService {
  private readonly logger = new Logger(ConnectService.name);

  constructor(
    private readonly ds: DataSource,
    private readonly accounts: ConnectedAccountRepository,
    @Inject(STRIPE) private readonly stripe: Stripe,
  ) {}

  /** Creates the user's Express account unless it exists. Concurrent calls converge on one account. */
  async createAccount(user: AuthUser): Promise<{ accountId: string; status: ConnectStatus }> {
    const existing = await this.accounts.findByUser(user.id);
    if (existing) return { accountId: existing.stripeAccountId, status: existing.status };
    const row = await inTransaction(this.ds, async (em) => {
      // one creator per user at a time; the Stripe idempotency key covers a crash between create and insert (24 h)
      await em.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`connect-account:${user.id}`]);
      const again = await this.accounts.findByUser(user.id, em);
      if (again) return again;
      let acct: Stripe.Account;
      try {
        acct = await this.stripe.accounts.create(
          {
            type: 'express',
            email: user.email,
            capabilities: { transfers: { requested: true } },
            business_profile: { product_description: 'Influencer collaborations paid through CollabPay' },
            metadata: { user_id: user.id },
          },
          { idempotencyKey: `collabpay-connect-account-${user.id}` },
        );
      } catch (e) {
        this.logger.warn(`Connect account creation failed for ${user.id}: ${(e as Error).message}`);
        throw stripeErrorToApp(e);
      }
      return this.accounts.insert(em, user.id, acct.id, accountState(acct, nowSeconds()));
    });
    return { accountId: row.stripeAccountId, status: row.status };
  }

  /** A fresh hosted-onboarding link (links are single use and short-lived, so one per click). */
  async createAccountLink(user: AuthUser, returnUrl: string, refreshUrl: string): Promise<{ url: string; expiresAt: string }> {
    assertWebUrl(returnUrl, 'returnUrl');
    assertWebUrl(refreshUrl, 'refreshUrl');
    const row = await this.accounts.findByUser(user.id);
    if (!row) throw conflict('CONNECT_ACCOUNT_MISSING', 'Create the payout account first (POST /api/connect/account)');
    try {
      const link = await this.stripe.accountLinks.create({
        account: row.stripeAccountId,
        type: row.detailsSubmitted ? 'account_update' : 'account_onboarding',
        return_url: returnUrl,
        refresh_url: refreshUrl,
      });
      return { url: link.url, expiresAt: new Date(link.expires_at * 1000).toISOString() };
    } catch (e) {
      throw stripeErrorToApp(e);
    }
  }

  async status(user: AuthUser): Promise<ConnectStatusView> {
    let row = await this.accounts.findByUser(user.id);
    if (!row) return { status: 'NOT_STARTED', payoutsEnabled: false, requirementsDue: [] };
    if (this.isStale(row))
      row =
        (await this.refresh(row.stripeAccountId).catch((e) => this.logger.warn(`could not refresh ${row!.stripeAccountId}: ${(e as Error).message}`))) ?? row;
    return toView(row);
  }

  /**
   * The account that payouts go to, or null when payouts are not enabled. A non-ACTIVE copy is re-read from
   * Stripe first when stale, so that a late `account.updated` does not block a payout.
   */
  async payoutAccount(userId: string): Promise<ConnectedAccountRecord | null> {
    let row = await this.accounts.findByUser(userId);
    if (!row) return null;
    if (row.status !== 'ACTIVE' && this.isStale(row)) row = (await this.refresh(row.stripeAccountId).catch(() => null)) ?? row;
    return row.status === 'ACTIVE' && row.payoutsEnabled ? row : null;
  }

  /** Re-reads the account from Stripe and stores it. */
  async refresh(stripeAccountId: string): Promise<ConnectedAccountRecord | null> {
    const acct = await this.stripe.accounts.retrieve(stripeAccountId);
    return (await this.accounts.updateState(this.ds.manager, acct.id, accountState(acct, nowSeconds()))) ?? this.accounts.findByStripeId(stripeAccountId);
  }

  /** account.updated: stores the account's state unless we hold a newer one. */
  async applyAccountUpdated(em: EntityManager, event: Stripe.Event): Promise<'applied' | 'ignored'> {
    const acct = event.data.object as Stripe.Account;
    const row = await this.accounts.findByStripeId(acct.id, em, true);
    if (!row) return 'ignored';
    if (event.created < row.stateAt) return 'ignored';
    const updated = await this.accounts.updateState(em, acct.id, accountState(acct, event.created));
    if (updated && updated.status !== row.status) this.logger.log(`Connect account ${acct.id} of ${row.userId}: ${row.status} → ${updated.status}`);
    return updated ? 'applied' : 'ignored';
  }

  private isStale(row: ConnectedAccountRecord): boolean {
    const age = Date.now() - new Date(row.syncedAt).getTime();
    return age > (row.status === 'ACTIVE' ? REFRESH_ACTIVE_MS : REFRESH_PENDING_MS);
  }
}

export function toView(row: ConnectedAccountRecord): ConnectStatusView {
  return {
    status: row.status,
    payoutsEnabled: row.payoutsEnabled,
    requirementsDue: row.requirementsDue,
    accountId: row.stripeAccountId,
    detailsSubmitted: row.detailsSubmitted,
    disabledReason: row.disabledReason,
  };
}

/** Only absolute http(s) URLs (no javascript:, data:, relative paths) of sane length. */
export function assertWebUrl(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0) throw badRequest('INVALID_URL', `${field} is required`);
  if (value.length > 2048) throw badRequest('INVALID_URL', `${field} is too long (2048 characters at most)`);
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw badRequest('INVALID_URL', `${field} must be an absolute URL`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw badRequest('INVALID_URL', `${field} must use http or https`);
  if (!u.hostname) throw badRequest('INVALID_URL', `${field} must name a host`);
  return value;
}
