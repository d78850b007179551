import { Inject, Injectable, Logger } from '@nestjs/common';
import Stripe from 'stripe';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/env.schema';
import type { AuthUser } from '../../common/auth/auth.types';
import { badRequest, conflict } from '../../common/errors/app-error';
import { requirementsDueEmail } from '../notifications/domain/email-kinds';
import { OutboxService } from '../outbox/outbox.service';
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
  /** Why Stripe paused the account (e.g. `requirements.past_due`), or null. */
  disabledReason: string | null;
  /** When the requirements now due must be provided (ISO date-time), or null. */
  currentDeadline: string | null;
  /** Requirements whose deadline passed (payouts are paused until they are provided). */
  pastDue: string[];
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
/** Stripe keeps idempotency keys 24 h; a reservation older than this is first looked up at Stripe. */
const KEY_SAFE_MS = 23 * 3_600_000;
export const accountKey = (userId: string) => `collabpay-connect-account-${userId}`;

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
    @Inject(APP_CONFIG) private readonly cfg: AppConfig,
    private readonly outbox: OutboxService,
  ) {}

  /**
   * Creates the user's Express account unless it exists, on the manual payout schedule (CollabPay creates the payouts
   * itself; on Stripe's default daily schedule Stripe would pay out the transferred money on its own). Reserve →
   * call → finish: the row is reserved in its own statement, Stripe is called with an idempotency key derived from
   * the user (concurrent calls and a retry after a lost response get the same account), then the row is completed.
   * No lock is held across the Stripe call. A crash in between leaves a reserved row, which the next call completes
   * (after the key's 24 hours, by finding the account by its metadata first).
   */
  async createAccount(user: AuthUser): Promise<{ accountId: string; status: ConnectStatus }> {
    const existing = await this.accounts.findByUser(user.id);
    if (existing?.stripeAccountId) return { accountId: existing.stripeAccountId, status: existing.status };
    const reserved = existing ?? (await this.accounts.reserve(user.id));
    if (reserved.stripeAccountId) return { accountId: reserved.stripeAccountId, status: reserved.status };
    let acct: Stripe.Account | null = null;
    try {
      if (Date.now() - new Date(reserved.createdAt).getTime() > KEY_SAFE_MS) acct = await this.findAccountOf(user.id);
      acct ??= await this.stripe.accounts.create(
        {
          type: 'express',
          email: user.email,
          capabilities: { transfers: { requested: true } },
          business_profile: { product_description: 'Influencer collaborations paid through CollabPay' },
          settings: { payouts: { schedule: { interval: 'manual' } } },
          metadata: { user_id: user.id },
        },
        { idempotencyKey: accountKey(user.id) },
      );
    } catch (e) {
      this.logger.warn(`Connect account creation failed for ${user.id}: ${(e as Error).message}`);
      throw stripeErrorToApp(e);
    }
    const row = await this.accounts.complete(user.id, acct.id, accountState(acct, nowSeconds()));
    return { accountId: row.stripeAccountId!, status: row.status };
  }

  /** The user's account at Stripe, found by its metadata (for a reservation older than the idempotency key). */
  private async findAccountOf(userId: string): Promise<Stripe.Account | null> {
    for await (const a of this.stripe.accounts.list({ limit: 100 })) {
      if (a.metadata?.user_id === userId) return a;
    }
    return null;
  }

  /**
   * A fresh hosted-onboarding link (links are single use and short-lived, so one per click). Both URLs must be on
   * the app's own origin (PUBLIC_URL): Stripe sends the influencer there, and nowhere else.
   */
  async createAccountLink(user: AuthUser, returnUrl: string, refreshUrl: string): Promise<{ url: string; expiresAt: string }> {
    this.assertOwnOrigin(assertWebUrl(returnUrl, 'returnUrl'), 'returnUrl');
    this.assertOwnOrigin(assertWebUrl(refreshUrl, 'refreshUrl'), 'refreshUrl');
    const row = await this.accounts.findByUser(user.id);
    if (!row?.stripeAccountId) throw conflict('CONNECT_ACCOUNT_MISSING', 'Create the payout account first (POST /api/connect/account)');
    try {
      const link = await this.stripe.accountLinks.create(
        {
          account: row.stripeAccountId,
          type: row.detailsSubmitted ? 'account_update' : 'account_onboarding',
          return_url: returnUrl,
          refresh_url: refreshUrl,
        },
        { idempotencyKey: `collabpay-account-link-${row.stripeAccountId}-${randomUUID()}` },
      );
      return { url: link.url, expiresAt: new Date(link.expires_at * 1000).toISOString() };
    } catch (e) {
      throw stripeErrorToApp(e);
    }
  }

  /** A single-use link to the influencer's Express dashboard (once onboarding details were submitted). */
  async createLoginLink(user: AuthUser): Promise<{ url: string }> {
    const row = await this.accounts.findByUser(user.id);
    if (!row?.stripeAccountId) throw conflict('CONNECT_ACCOUNT_MISSING', 'Create the payout account first (POST /api/connect/account)');
    if (!row.detailsSubmitted) throw conflict('CONNECT_ONBOARDING_INCOMPLETE', 'Finish the payout account setup first (POST /api/connect/account-link)');
    try {
      // a fresh key per click (each link is single use); the SDK's own retries reuse it after a lost response
      const link = await this.stripe.accounts.createLoginLink(
        row.stripeAccountId,
        {},
        { idempotencyKey: `collabpay-login-link-${row.stripeAccountId}-${randomUUID()}` },
      );
      return { url: link.url };
    } catch (e) {
      throw stripeErrorToApp(e);
    }
  }

  private assertOwnOrigin(value: string, field: string): void {
    const own = new URL(this.cfg.publicUrl).origin;
    if (new URL(value).origin !== own) throw badRequest('INVALID_REDIRECT_URL', `${field} must be on ${own} (PUBLIC_URL)`);
  }

  async status(user: AuthUser): Promise<ConnectStatusView> {
    let row = await this.accounts.findByUser(user.id);
    // no account, or only a reservation whose creation did not finish (the next POST /account completes it)
    if (!row?.stripeAccountId)
      return { status: 'NOT_STARTED', payoutsEnabled: false, requirementsDue: [], disabledReason: null, currentDeadline: null, pastDue: [] };
    const id = row.stripeAccountId;
    if (this.isStale(row)) row = (await this.refresh(id).catch((e) => this.logger.warn(`could not refresh ${id}: ${(e as Error).message}`))) ?? row;
    return toView(row);
  }

  /**
   * The account that payouts go to, or null when payouts are not enabled. A non-ACTIVE copy is re-read from
   * Stripe first when stale, so that a late `account.updated` does not block a payout.
   */
  async payoutAccount(userId: string): Promise<(ConnectedAccountRecord & { stripeAccountId: string }) | null> {
    let row = await this.accounts.findByUser(userId);
    if (!row?.stripeAccountId) return null;
    if (row.status !== 'ACTIVE' && this.isStale(row)) row = (await this.refresh(row.stripeAccountId).catch(() => null)) ?? row;
    return row.status === 'ACTIVE' && row.payoutsEnabled && row.stripeAccountId ? (row as ConnectedAccountRecord & { stripeAccountId: string }) : null;
  }

  /**
   * Re-reads the account from Stripe and stores it. An account not on manual payouts (created before CollabPay set
   * it, or changed since) is put back on them: Stripe would otherwise pay out transferred money by itself.
   */
  async refresh(stripeAccountId: string): Promise<ConnectedAccountRecord | null> {
    let acct = await this.stripe.accounts.retrieve(stripeAccountId);
    const interval = acct.settings?.payouts?.schedule?.interval;
    if (interval && interval !== 'manual') {
      this.logger.warn(`Connect account ${acct.id} was on ${interval} payouts; setting it to manual`);
      acct = await this.stripe.accounts.update(
        acct.id,
        { settings: { payouts: { schedule: { interval: 'manual' } } } },
        { idempotencyKey: `collabpay-account-manual-${acct.id}-${new Date().toISOString().slice(0, 10)}` },
      );
    }
    return (await this.accounts.updateState(this.ds.manager, acct.id, accountState(acct, nowSeconds()))) ?? this.accounts.findByStripeId(stripeAccountId);
  }

  /** account.updated: stores the account's state unless we hold a newer one. */
  async applyAccountUpdated(em: EntityManager, event: Stripe.Event): Promise<'applied' | 'ignored'> {
    const acct = event.data.object as Stripe.Account;
    const row = await this.accounts.findByStripeId(acct.id, em, true);
    if (!row) return 'ignored';
    if (event.created < row.stateAt) return 'ignored';
    const state = accountState(acct, event.created);
    const updated = await this.accounts.updateState(em, acct.id, state);
    if (updated && updated.status !== row.status) this.logger.log(`Connect account ${acct.id} of ${row.userId}: ${row.status} → ${updated.status}`);
    const email = updated ? requirementsDueEmail(acct.id, state) : null;
    // queued in the event's transaction (sent after commit); its key makes a redelivery or a repeat a no-op
    if (email)
      await this.outbox.queueEmail(em, row.userId, email.kind, email.dedupeKey, {
        requirements: [...new Set([...state.currentlyDue, ...state.pastDue])],
        pastDue: state.pastDue,
        deadline: state.currentDeadline,
      });
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
    ...(row.stripeAccountId ? { accountId: row.stripeAccountId } : {}),
    detailsSubmitted: row.detailsSubmitted,
    disabledReason: row.disabledReason,
    currentDeadline: row.currentDeadline ? new Date(row.currentDeadline * 1000).toISOString() : null,
    pastDue: row.pastDue,
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
