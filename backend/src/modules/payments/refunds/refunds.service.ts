import { Inject, Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import Stripe from 'stripe';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../../../common/auth/auth.types';
import { inTransaction } from '../../../common/database/transaction';
import { badGateway, conflict } from '../../../common/errors/app-error';
import { OutboxService } from '../../outbox/outbox.service';
import { STRIPE } from '../../stripe/stripe.module';
import { authorize, NotFound } from '../../../common/access/access.policy';
import { transition } from '../domain/payment-status.machine';
import { EscrowReleaseService } from '../escrow-release.service';
import { heldFree, PaymentRepository, reservedSnapshot } from '../payment.repository';
import { PaymentView, toPaymentView } from '../payment.view';
import { PaymentsService, stripeErrorToApp } from '../payments.service';
import { RefundRecord, RefundRepository } from './refund.repository';
import { findRefundAtStripe, ReconcileResult, reconcileEach, refundStands } from './refund-reservations';

const STRIPE_REASONS = ['duplicate', 'fraudulent', 'requested_by_customer'];

/** The Stripe idempotency key of a refund: from its own row, so every retry of it (by anyone) is the same request. */
export const stripeRefundKey = (refundId: string): string => `collabpay-refund-${refundId}`;

/** The client's Idempotency-Key, scoped to the user (two users' keys never meet). */
export const requestKeyDigest = (userId: string, requestKey: string): string =>
  createHash('sha256').update(`${userId}\u0000${requestKey}`).digest('hex').slice(0, 32);

/** A Stripe error that says for certain nothing was done (the request was refused as such). */
function definitelyRefused(e: unknown): boolean {
  const err = e as { type?: string; code?: string };
  if (err?.code === 'idempotency_key_in_use') return false; // the same refund is executing right now
  return err?.type === 'StripeInvalidRequestError' || err?.type === 'StripeCardError';
}

/**
 * Refunds of held money, never holding a row lock across a Stripe call:
 * 1. reserve — under the payment's lock, a PENDING `refunds` row; its amount is frozen (releases and other refunds
 *    see only what is neither booked nor reserved), so concurrent refunds and releases cannot over-commit;
 * 2. call — `refunds.create` outside any transaction, idempotency key from the row's id;
 * 3. finish — under the locks again, the row goes SUCCEEDED with its journal entry (`refund:<row id>`), or FAILED,
 *    exactly once (`charge.refunded` never books a reserved refund; it books only what is neither booked nor reserved).
 * A reservation whose request died between 1 and 3 is resolved by `reconcile` (a repeatable job): it asks Stripe
 * for the charge's refunds and books the one carrying the row's id in its metadata, or releases the reservation.
 */
@Injectable()
export class RefundsService {
  private readonly logger = new Logger(RefundsService.name);

  constructor(
    private readonly ds: DataSource,
    private readonly refunds: RefundRepository,
    private readonly paymentRepo: PaymentRepository,
    private readonly payments: PaymentsService,
    private readonly escrow: EscrowReleaseService,
    private readonly outbox: OutboxService,
    @Inject(STRIPE) private readonly stripe: Stripe,
  ) {}

  /** `requestKey`: the client's Idempotency-Key; a retry under it resumes (or answers) the same refund. */
  async refund(user: AuthUser, paymentId: string, amount?: number, reason?: string, requestKey?: string): Promise<PaymentView> {
    const r = await this.reserve(user, paymentId, amount, reason ?? null, requestKey ? requestKeyDigest(user.id, requestKey) : null);
    if (r.status === 'PENDING') await this.execute(r);
    const done = (await this.refunds.findById(r.id))!;
    if (done.status === 'FAILED') throw badGateway('REFUND_FAILED', `Stripe could not refund: ${done.failureReason ?? 'failed'}`);
    return toPaymentView((await this.paymentRepo.findById(paymentId))!);
  }

  /** Step 1: the reservation, under the payment's lock (or the existing one of the same client request). */
  async reserve(user: AuthUser, paymentId: string, amount: number | undefined, reason: string | null, requestKey: string | null): Promise<RefundRecord> {
    return inTransaction(this.ds, async (em) => {
      const p = await this.paymentRepo.findById(paymentId, em, true);
      if (!p || !(user.role === 'admin' || authorize(user, p, 'company', NotFound.payment))) throw NotFound.payment();
      if (requestKey) {
        const same = await this.refunds.findByRequestKey(em, p.id, requestKey);
        if (same) return same;
      }
      await this.escrow.assertNotFrozen(em, p.collaborationId);
      // what is neither released, refunded nor reserved by another refund waiting for Stripe
      const refundAmount = amount ?? heldFree(p);
      if (amount === undefined && refundAmount <= 0 && p.refundReserved > 0)
        throw conflict('REFUND_IN_PROGRESS', 'What is still held is being refunded by another request');
      const d = transition(reservedSnapshot(p), { type: 'REFUND', amount: refundAmount });
      if (d.kind === 'reject') throw conflict(d.code, d.message);
      if (d.kind === 'ignore') throw conflict('PAYMENT_NOT_HELD', d.reason);
      if (!p.stripeChargeId && !p.stripePaymentIntentId) throw conflict('PAYMENT_NOT_HELD', 'Nothing to refund');
      return this.refunds.insert(em, { paymentId: p.id, amount: refundAmount, currency: p.currency, reason, requestedBy: user.id, requestKey });
    });
  }

  /** Steps 2 and 3 for a reservation: the Stripe call outside any transaction, then the finish. */
  async execute(r: RefundRecord): Promise<void> {
    const p = (await this.paymentRepo.findById(r.paymentId))!;
    let refund: Stripe.Refund;
    try {
      refund = await this.stripe.refunds.create(
        {
          ...(p.stripeChargeId ? { charge: p.stripeChargeId } : { payment_intent: p.stripePaymentIntentId! }),
          amount: r.amount,
          metadata: { payment_id: p.id, collaboration_id: p.collaborationId, collabpay_refund_id: r.id, reason: r.reason ?? '' },
          ...(r.reason && STRIPE_REASONS.includes(r.reason) ? { reason: r.reason as Stripe.RefundCreateParams.Reason } : {}),
        },
        { idempotencyKey: stripeRefundKey(r.id) },
      );
    } catch (e) {
      // refused: nothing moved at Stripe, the reservation is released; otherwise the outcome is unknown and the
      // reservation stays (a retry under the client's key, or reconciliation, finds out)
      if (definitelyRefused(e)) await this.finish(r.id, null, (e as Error).message);
      throw stripeErrorToApp(e);
    }
    await this.finish(r.id, refund);
  }

  /**
   * Step 3: books the refund Stripe made (`refund` succeeded or pending) or releases the reservation (failed,
   * canceled, or `refund` null: never made). Only a PENDING row changes: whoever comes second changes nothing.
   */
  async finish(refundId: string, refund: Stripe.Refund | null, failure?: string): Promise<void> {
    await inTransaction(this.ds, async (em) => {
      const head = (await this.refunds.findById(refundId, em))!;
      const p = (await this.paymentRepo.findById(head.paymentId, em, true))!;
      const r = (await this.refunds.findById(refundId, em, true))!;
      if (r.status !== 'PENDING') return;
      if (!refund || refund.status === 'failed' || refund.status === 'canceled') {
        await this.refunds.markFailed(em, r.id, refund ? (refund.failure_reason ?? refund.status ?? 'failed') : (failure ?? 'not made'), refund?.id ?? null);
        await this.payments.notifyParties(em, p, 'A refund could not be made; the money is still held');
        return;
      }
      await this.refunds.markSucceeded(em, r.id, refund.id);
      await this.payments.bookRefund(em, p, r.amount, `refund:${r.id}`, r.reason ? `Refund: ${r.reason}` : 'Refund to the company');
    });
    this.outbox.notifyCommitted();
  }

  /**
   * Resolves reservations older than `olderThanMs` (their request died or is long gone): asks Stripe for the
   * charge's refunds and books the one made for the row (metadata `collabpay_refund_id`), or releases the
   * reservation when Stripe has none. Returns how many it resolved.
   */
  async reconcile(olderThanMs: number): Promise<ReconcileResult> {
    return reconcileEach(this.logger, 'refund', await this.refunds.listPending(olderThanMs), async (r) => {
      const p = (await this.paymentRepo.findById(r.paymentId))!;
      const found = await findRefundAtStripe(this.stripe, p, (re) => re.metadata?.collabpay_refund_id === r.id);
      await this.finish(r.id, found, 'the request never reached Stripe');
      return refundStands(found) ? 'booked' : 'released';
    });
  }
}
