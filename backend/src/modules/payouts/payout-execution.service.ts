import { Inject, Injectable, Logger } from '@nestjs/common';
import Stripe from 'stripe';
import { DataSource } from 'typeorm';
import { inTransaction } from '../../common/database/transaction';
import { OutboxService } from '../outbox/outbox.service';
import { STRIPE } from '../stripe/stripe.module';
import { BALANCE_SOURCE } from '../wallet/domain/payout-allocation';
import { PayoutRecord, PayoutRepository, PayoutTransferRecord } from './payout.repository';
import { PayoutStateService } from './payout-state.service';

/** How long one executor may hold a payout before another may take over (it died, or Stripe hangs). */
const LEASE_MS = 120_000;
const MAX_BACKOFF_MS = 3_600_000;
/** Pages of Stripe lists searched for a payout's objects before giving up (100 per page). */
const MAX_PAGES = 20;

/** One Transfer per charge a payout draws on: the key names the payout and the charge (or `balance`). */
export const transferKey = (payoutId: string, source: string) => `collabpay-payout-transfer-${payoutId}-${source}`;
export const payoutKey = (payoutId: string) => `collabpay-payout-${payoutId}`;
export const reversalKey = (payoutId: string, source: string) => `collabpay-payout-reversal-${payoutId}-${source}`;
export const transferGroup = (payoutId: string) => `payout_${payoutId}`;

/**
 * How to treat an error from Stripe:
 * - `refused`: Stripe answered with a definite 4xx: the object was not created, and the same idempotency key would
 *   return the same refusal. The payout fails and the money goes back to the wallet.
 * - `retry`: the outcome is unknown (timeout, connection reset, 5xx, an idempotent request still in progress) or
 *   may change (rate limited, funds not available yet). The payout stays as it is; a later attempt first asks
 *   Stripe whether the object exists, then retries with the same idempotency key. Never a new key, never a guess.
 */
export function classifyStripeError(e: unknown): { kind: 'refused' | 'retry'; code: string; message: string } {
  const err = e as { type?: string; code?: string; statusCode?: number; message?: string; raw?: { code?: string } };
  const code = err?.code ?? err?.raw?.code ?? 'stripe_error';
  const message = err?.message ?? String(e);
  const definiteTypes = ['StripeInvalidRequestError', 'StripePermissionError', 'StripeCardError'];
  const transientCodes = ['balance_insufficient', 'lock_timeout', 'rate_limit', 'idempotency_key_in_use'];
  const status = err?.statusCode ?? 0;
  if (definiteTypes.includes(err?.type ?? '') && status >= 400 && status < 500 && status !== 409 && status !== 429 && !transientCodes.includes(code)) {
    return { kind: 'refused', code, message };
  }
  return { kind: 'retry', code, message };
}

class Refused extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface ReconcileResult {
  pending: number;
  inTransit: number;
  reversals: number;
  advanced: number;
  errors: string[];
}

/**
 * Moves the money of a requested payout at Stripe: Transfers from the platform to the influencer's connected
 * account (one per charge the payout draws on, with `source_transaction`), then a Payout on that account to their
 * bank. Each Stripe call has an idempotency key derived from the payout id (and the charge), so repeating a step
 * can never pay twice; a step whose outcome is unknown is resolved by
 * reconciliation, which asks Stripe (transfer group / payout metadata) before repeating it with the same key.
 */
@Injectable()
export class PayoutExecutionService {
  private readonly logger = new Logger(PayoutExecutionService.name);
  private reconciling: Promise<ReconcileResult> | null = null;

  constructor(
    private readonly ds: DataSource,
    private readonly repo: PayoutRepository,
    private readonly state: PayoutStateService,
    private readonly outbox: OutboxService,
    @Inject(STRIPE) private readonly stripe: Stripe,
  ) {}

  /**
   * Runs (or resumes) a PENDING payout: its Transfers (one per charge it draws on, each with `source_transaction`
   * and its own idempotency key), then the Payout on the connected account. No database lock is held across a
   * Stripe call: the lease is a committed row update. Safe to call concurrently and repeatedly.
   */
  async execute(payoutId: string): Promise<PayoutRecord | null> {
    const p = await this.repo.lease(payoutId, LEASE_MS);
    if (!p) return this.repo.findById(payoutId);
    const resuming = p.attempts > 1;
    try {
      for (const part of await this.repo.transfers(p.id)) {
        if (part.stripeTransferId) continue;
        const tr = await this.ensureTransfer(p, part, resuming);
        await this.repo.setPartTransfer(p.id, part.source, tr.id);
      }
      const po = p.stripePayoutId
        ? await this.stripe.payouts.retrieve(p.stripePayoutId, {}, { stripeAccount: p.stripeAccountId })
        : await this.ensurePayout(p, resuming);
      await inTransaction(this.ds, (em) => this.state.applyStripePayout(em, po, { readFromStripe: true }));
      this.outbox.notifyCommitted();
      await this.repo.release(p.id);
    } catch (e) {
      const c = e instanceof Refused ? { kind: 'refused' as const, code: e.code, message: e.message } : classifyStripeError(e);
      if (c.kind === 'refused') {
        this.logger.warn(`Stripe refused payout ${p.id} (${c.code}): ${c.message}`);
        await inTransaction(this.ds, (em) => this.state.refuse(em, p.id, c.code, c.message));
        this.outbox.notifyCommitted();
        await this.repo.release(p.id);
      } else {
        const retryInMs = Math.min(MAX_BACKOFF_MS, 5_000 * 2 ** Math.min(p.attempts - 1, 20));
        this.logger.warn(`payout ${p.id} attempt ${p.attempts} did not finish (${c.code}: ${c.message}); reconciliation resumes it in ${retryInMs} ms`);
        await this.repo.release(p.id, { message: `${c.code}: ${c.message}`, retryInMs });
      }
    }
    return this.repo.findById(p.id);
  }

  private async ensureTransfer(p: PayoutRecord, part: PayoutTransferRecord, resuming: boolean): Promise<Stripe.Transfer> {
    if (resuming) {
      const found = await this.findTransfer(p, part.source);
      if (found) return found;
    }
    try {
      return await this.stripe.transfers.create(
        {
          amount: part.amount,
          currency: p.currency,
          destination: p.stripeAccountId,
          // money released from a payment is transferred against that payment's charge: Stripe allows it whatever
          // the platform's available balance, caps it by what the charge has left, and makes it payable with the charge
          ...(part.source !== BALANCE_SOURCE ? { source_transaction: part.source } : {}),
          transfer_group: transferGroup(p.id),
          description: `CollabPay payout ${p.id}`,
          metadata: { payout_id: p.id, user_id: p.userId, source: part.source },
        },
        { idempotencyKey: transferKey(p.id, part.source) },
      );
    } catch (e) {
      const c = classifyStripeError(e);
      if (c.kind === 'refused') throw new Refused(c.code, `The transfer to your payout account was refused: ${c.message}`);
      throw e;
    }
  }

  private async ensurePayout(p: PayoutRecord, resuming: boolean): Promise<Stripe.Payout> {
    if (resuming) {
      const found = await this.findStripePayout(p);
      if (found) return found;
    }
    try {
      return await this.stripe.payouts.create(
        { amount: p.amount, currency: p.currency, description: 'CollabPay payout', metadata: { payout_id: p.id, user_id: p.userId } },
        { stripeAccount: p.stripeAccountId, idempotencyKey: payoutKey(p.id) },
      );
    } catch (e) {
      const c = classifyStripeError(e);
      if (c.kind === 'refused') throw new Refused(c.code, `The payout to your bank account was refused: ${c.message}`);
      throw e;
    }
  }

  /** The payout's transfer from `source`, if one was created (its transfer group is the payout's own). */
  async findTransfer(p: PayoutRecord, source: string): Promise<Stripe.Transfer | null> {
    let startingAfter: string | undefined;
    // transfers made before payouts were split by charge carry no `source` (they came from the balance)
    const matches = (t: Stripe.Transfer) => t.metadata?.payout_id === p.id && (t.metadata?.source ?? BALANCE_SOURCE) === source;
    for (let page = 0; page < MAX_PAGES; page++) {
      const list = await this.stripe.transfers.list({
        transfer_group: transferGroup(p.id),
        limit: 100,
        ...(startingAfter ? { starting_after: startingAfter } : {}),
      });
      const hit = list.data.find(matches);
      if (hit) return hit;
      if (!list.has_more || list.data.length === 0) return null;
      startingAfter = list.data[list.data.length - 1].id;
    }
    throw new Error(`too many transfers in group ${transferGroup(p.id)}`);
  }

  /** The payout's Stripe Payout on the connected account, if one was created (matched by metadata). */
  async findStripePayout(p: PayoutRecord): Promise<Stripe.Payout | null> {
    const since = Math.floor(new Date(p.requestedAt).getTime() / 1000) - 3600;
    let startingAfter: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const list = await this.stripe.payouts.list(
        { created: { gte: since }, limit: 100, ...(startingAfter ? { starting_after: startingAfter } : {}) },
        { stripeAccount: p.stripeAccountId },
      );
      const hit = list.data.find((x) => x.metadata?.payout_id === p.id);
      if (hit) return hit;
      if (!list.has_more || list.data.length === 0) return null;
      startingAfter = list.data[list.data.length - 1].id;
    }
    throw new Error(`could not search every payout of ${p.stripeAccountId} since ${since}`);
  }

  /**
   * Takes the transfers of a FAILED payout back from the connected account, each once (its own idempotency key).
   * A transfer whose creation was never confirmed (lost response, then a refusal) is looked up first.
   */
  async reverse(payoutId: string): Promise<'reversed' | 'not-needed' | 'not-yet'> {
    const p = await this.repo.findById(payoutId);
    if (!p || p.stripeReversalId) return 'not-needed';
    if (p.status !== 'FAILED') return p.status === 'PENDING' || p.status === 'IN_TRANSIT' ? 'not-yet' : 'not-needed';
    let reversed = 0;
    let first: string | null = null;
    for (const part of await this.repo.transfers(p.id)) {
      let transferId = part.stripeTransferId;
      if (!transferId) {
        const found = await this.findTransfer(p, part.source);
        if (!found) continue;
        transferId = found.id;
        await this.repo.setPartTransfer(p.id, part.source, transferId);
      }
      let reversalId = part.stripeReversalId;
      if (!reversalId) {
        reversalId = await this.reverseOne(p, part.source, transferId, part.amount);
        await this.repo.setPartReversal(p.id, part.source, reversalId);
        reversed++;
      }
      first ??= reversalId;
    }
    if (first) await this.repo.setReversal(p.id, first);
    return reversed > 0 ? 'reversed' : 'not-needed';
  }

  private async reverseOne(p: PayoutRecord, source: string, transferId: string, amount: number): Promise<string> {
    try {
      const rev = await this.stripe.transfers.createReversal(
        transferId,
        { amount, description: `Payout ${p.id} failed`, metadata: { payout_id: p.id, source } },
        { idempotencyKey: reversalKey(p.id, source) },
      );
      return rev.id;
    } catch (e) {
      // reversed before (e.g. the idempotency key expired): find that reversal
      const tr = await this.stripe.transfers.retrieve(transferId);
      const existing = tr.reversals?.data.find((r) => r.metadata?.payout_id === p.id) ?? (tr.amount_reversed >= tr.amount ? tr.reversals?.data[0] : undefined);
      if (!existing) throw e;
      return existing.id;
    }
  }

  /**
   * Resolves payouts left unfinished: PENDING ones (a Stripe call timed out, the process died) are resumed,
   * IN_TRANSIT ones not heard of for a while are re-read from Stripe (a missed webhook), FAILED ones get their
   * transfer reversed. `olderThanMs` leaves payouts that are being worked on right now alone. Concurrent calls
   * share one run.
   */
  reconcile(opts: { olderThanMs?: number; inTransitOlderThanMs?: number; limit?: number } = {}): Promise<ReconcileResult> {
    const olderThanMs = opts.olderThanMs ?? 30_000;
    // payout.paid / payout.failed normally arrive as webhooks (and the webhook reconciliation pulls missed events),
    // so an IN_TRANSIT payout is re-read from Stripe only when nothing was heard of it for a while
    const inTransitOlderThanMs = opts.inTransitOlderThanMs ?? Math.max(olderThanMs, 3_600_000);
    this.reconciling ??= this.doReconcile(olderThanMs, inTransitOlderThanMs, opts.limit ?? 200).finally(() => (this.reconciling = null));
    return this.reconciling;
  }

  private async doReconcile(olderThanMs: number, inTransitOlderThanMs: number, limit: number): Promise<ReconcileResult> {
    const due = await this.repo.forReconciliation(olderThanMs, inTransitOlderThanMs, limit);
    const result: ReconcileResult = { pending: due.pending.length, inTransit: due.inTransit.length, reversals: 0, advanced: 0, errors: [] };
    const fail = (id: string, e: unknown) => result.errors.push(`${id}: ${(e as Error).message}`);
    for (const id of due.pending) {
      try {
        const after = await this.execute(id);
        if (after && after.status !== 'PENDING') result.advanced++;
      } catch (e) {
        fail(id, e);
      }
    }
    for (const id of due.inTransit) {
      try {
        const p = await this.repo.findById(id);
        if (!p?.stripePayoutId || p.status !== 'IN_TRANSIT') continue;
        const po = await this.stripe.payouts.retrieve(p.stripePayoutId, {}, { stripeAccount: p.stripeAccountId });
        const r = await inTransaction(this.ds, (em) => this.state.applyStripePayout(em, po, { readFromStripe: true }));
        if (r === 'applied') {
          result.advanced++;
          this.outbox.notifyCommitted();
        } else await this.repo.touch(id);
      } catch (e) {
        fail(id, e);
      }
    }
    for (const id of due.unreversed) {
      try {
        if ((await this.reverse(id)) === 'reversed') result.reversals++;
      } catch (e) {
        fail(id, e);
      }
    }
    if (result.errors.length) this.logger.warn(`payout reconciliation: ${result.errors.length} error(s), first: ${result.errors[0]}`);
    return result;
  }
}
