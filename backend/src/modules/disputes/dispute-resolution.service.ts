import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import Stripe from 'stripe';
import { DataSource, EntityManager } from 'typeorm';
import type { AuthUser } from '../../common/auth/auth.types';
import { inTransaction } from '../../common/database/transaction';
import { AppError, badGateway, badRequest, conflict } from '../../common/errors/app-error';
import { feeShare, formatMoney } from '../../common/money/currency';
import { NotFound } from '../../common/access/access.policy';
import { CollaborationEvents } from '../collaborations/collaboration-events';
import { CollaborationRepository } from '../collaborations/collaboration.repository';
import { Accounts } from '../ledger/domain/accounts';
import { balanceAfterOf } from '../ledger/ledger.repository';
import { LedgerService } from '../ledger/ledger.service';
import { OutboxService } from '../outbox/outbox.service';
import { transition } from '../payments/domain/payment-status.machine';
import { EscrowReleaseService } from '../payments/escrow-release.service';
import { PaymentNotifier } from '../payments/payment-notifier';
import { PaymentRecord, PaymentRepository, paymentSnapshot } from '../payments/payment.repository';
import { stripeErrorToApp } from '../payments/payments.service';
import { STRIPE } from '../stripe/stripe.module';
import { DisputeEvents } from './dispute-events';
import { DisputeRecord, DisputeRepository, PendingResolution } from './dispute.repository';
import { DisputeView } from './dispute.view';
import { DisputesService } from './disputes.service';

/**
 * The Stripe refund of a resolution: one per reservation, whatever the retries (a reservation from before
 * reservations had ids keeps the key it was sent with: one per dispute).
 */
export const disputeRefundKey = (disputeId: string, reservationId?: string) =>
  `collabpay-dispute-refund-${disputeId}${reservationId ? `-${reservationId}` : ''}`;

/**
 * An admin resolves a dispute with a split: `releaseAmount` to the influencer's wallet (less its share of the
 * platform fee), `refundAmount` back to the company through ONE Stripe refund, as ONE balanced journal entry.
 * No row lock is held across the Stripe call: reserve (the split is recorded on the dispute under the payment
 * lock) → refund at Stripe with a key derived from the dispute → finish under the lock. A retry with the same
 * split resumes wherever the last attempt stopped; a resolved dispute answers the same resolution again. A
 * reservation whose request died is resolved by DisputeRefundReconciler through `complete` / `release`.
 *
 * Fee rounding (exact to the minor unit in every currency, zero-decimal ones included): the fee of a release is
 * `floor(platformFee × releasedAfter / amount) − floor(platformFee × releasedBefore / amount)`, and the release
 * that completes the payment takes the rest, so the fees of all releases add up to the payment's fee. Refunded
 * money carries no fee.
 */
@Injectable()
export class DisputeResolutionService {
  private readonly logger = new Logger(DisputeResolutionService.name);

  constructor(
    private readonly ds: DataSource,
    private readonly repo: DisputeRepository,
    private readonly disputes: DisputesService,
    private readonly payments: PaymentRepository,
    private readonly collaborations: CollaborationRepository,
    private readonly ledger: LedgerService,
    private readonly escrow: EscrowReleaseService,
    private readonly notifier: PaymentNotifier,
    private readonly collabEvents: CollaborationEvents,
    private readonly events: DisputeEvents,
    private readonly outbox: OutboxService,
    @Inject(STRIPE) private readonly stripe: Stripe,
  ) {}

  async resolve(admin: AuthUser, id: string, split: { releaseAmount: number; refundAmount: number; note: string }): Promise<DisputeView> {
    const same = (a: { releaseAmount: number; refundAmount: number }) => a.releaseAmount === split.releaseAmount && a.refundAmount === split.refundAmount;
    // 1. reserve
    const reserved = await inTransaction(this.ds, async (em) => {
      const found = await this.repo.findById(id, em);
      if (!found) throw NotFound.dispute();
      const p = (await this.payments.findById(found.paymentId, em, true))!;
      const d = (await this.repo.findById(id, em, true))!;
      if (d.status === 'RESOLVED' && d.resolution && same(d.resolution)) return null; // already done: answer it again
      if (d.status !== 'OPEN') throw conflict('DISPUTE_CLOSED', `This dispute is ${d.status.toLowerCase()}`);
      if (split.releaseAmount + split.refundAmount !== d.amount)
        throw badRequest('SPLIT_MISMATCH', `releaseAmount + refundAmount must equal the disputed amount ${d.amount}`, { amount: d.amount });
      if (d.pendingResolution && !same(d.pendingResolution))
        throw conflict('DISPUTE_RESOLUTION_IN_PROGRESS', 'Another resolution of this dispute is in progress; retry it with the same split');
      if (p.status === 'DISPUTED') throw conflict('PAYMENT_DISPUTED', 'A card dispute is open on this payment: wait for it to close');
      // a retry renews the reservation's time: reconciliation leaves a reservation alone while a request works on it
      const reservedAt = new Date().toISOString();
      const pending: PendingResolution = d.pendingResolution
        ? { ...d.pendingResolution, reservedAt }
        : { ...split, actorId: admin.id, reservationId: randomUUID(), reservedAt };
      await this.repo.setPending(em, d.id, pending);
      return { d, p, pending };
    });
    if (!reserved) return this.disputes.view(id);
    // 2. the Stripe refund, outside any lock, with the reservation's key
    let refundId: string | null = null;
    if (reserved.pending.refundAmount > 0) refundId = await this.refundAtStripe(reserved.d, reserved.p, reserved.pending);
    // 3. finish
    await this.complete(id, reserved.pending, refundId);
    return this.disputes.view(id);
  }

  /**
   * Step 3, for the admin's request and for reconciliation alike: books `reservation` (whose Stripe refund is
   * `refundId`, null when nothing is refunded) under the payment's and the dispute's locks, once: false when it is
   * no longer the dispute's reservation (finished or released meanwhile).
   */
  async complete(id: string, reservation: PendingResolution, refundId: string | null): Promise<boolean> {
    const done = await inTransaction(this.ds, async (em) => {
      const head = (await this.repo.findById(id, em))!;
      const p = (await this.payments.findById(head.paymentId, em, true))!;
      const d = (await this.repo.findById(id, em, true))!;
      if (d.status !== 'OPEN' || !d.pendingResolution || d.pendingResolution.reservationId !== reservation.reservationId) return false;
      return this.finish(em, d, p, d.pendingResolution, refundId);
    });
    this.outbox.notifyCommitted();
    return done;
  }

  /**
   * Frees the dispute of `reservation` when Stripe made no refund for it: only while it is still the dispute's
   * reservation with the same time (a request renewing it meanwhile may be calling Stripe right now).
   */
  async release(id: string, reservation: PendingResolution): Promise<boolean> {
    return inTransaction(this.ds, async (em) => {
      const head = (await this.repo.findById(id, em))!;
      await this.payments.findById(head.paymentId, em, true);
      const d = (await this.repo.findById(id, em, true))!;
      const now = d.pendingResolution;
      if (d.status !== 'OPEN' || !now || now.reservationId !== reservation.reservationId || now.reservedAt !== reservation.reservedAt) return false;
      await this.repo.setPending(em, d.id, null);
      this.logger.warn(`dispute ${d.id}: the resolution's refund was never made at Stripe; the reservation is released`);
      return true;
    });
  }

  private async refundAtStripe(d: DisputeRecord, p: PaymentRecord, s: PendingResolution): Promise<string> {
    try {
      const refund = await this.stripe.refunds.create(
        {
          ...(p.stripeChargeId ? { charge: p.stripeChargeId } : { payment_intent: p.stripePaymentIntentId! }),
          amount: s.refundAmount,
          metadata: {
            payment_id: p.id,
            collaboration_id: p.collaborationId,
            dispute_id: d.id,
            ...(s.reservationId ? { collabpay_reservation: s.reservationId } : {}),
          },
        },
        { idempotencyKey: disputeRefundKey(d.id, s.reservationId) },
      );
      if (refund.status === 'failed' || refund.status === 'canceled')
        throw badGateway('REFUND_FAILED', `Stripe could not refund: ${refund.failure_reason ?? refund.status}`);
      return refund.id;
    } catch (e) {
      if (e instanceof AppError) throw e;
      const type = (e as { type?: string }).type;
      // a definite refusal: nothing moved at Stripe, so the dispute is free for another split; after a lost answer
      // (network, 5xx) the reservation stays and a retry with the same split reuses the same refund
      if (type === 'StripeInvalidRequestError' || type === 'StripeCardError') await inTransaction(this.ds, (em) => this.repo.setPending(em, d.id, null));
      this.logger.warn(`refund of dispute ${d.id} failed: ${(e as Error).message}`);
      throw stripeErrorToApp(e);
    }
  }

  /** ONE balanced entry: escrow → wallet (net) + fee revenue + Stripe balance (the refund). */
  private async finish(em: EntityManager, d: DisputeRecord, p: PaymentRecord, s: PendingResolution, refundId: string | null): Promise<boolean> {
    const c = (await this.collaborations.findById(d.collaborationId, em))!;
    let snap = paymentSnapshot(p);
    for (const e of [
      { type: 'RELEASE' as const, amount: s.releaseAmount },
      { type: 'REFUND' as const, amount: s.refundAmount },
    ]) {
      if (e.amount === 0) continue;
      const dec = transition(snap, e);
      if (dec.kind !== 'apply') throw conflict(dec.kind === 'reject' ? dec.code : 'PAYMENT_NOT_HELD', dec.kind === 'reject' ? dec.message : dec.reason);
      snap = dec.next;
    }
    const fee = s.releaseAmount > 0 ? feeShare(p.amount, p.platformFee, p.amountReleased, s.releaseAmount) : 0;
    const net = s.releaseAmount - fee;
    const cur = p.currency;
    const posted = await this.ledger.post(em, {
      type: 'dispute_resolution',
      referenceType: 'payment',
      referenceId: p.id,
      description: `Dispute resolved for “${c.title}”: ${formatMoney({ amount: s.releaseAmount, currency: cur })} released (less ${formatMoney({ amount: fee, currency: cur })} platform fee), ${formatMoney({ amount: s.refundAmount, currency: cur })} refunded`,
      idempotencyKey: `dispute-resolution:${d.id}`,
      lines: [
        { account: Accounts.escrow(p.id), currency: cur, amount: s.releaseAmount + s.refundAmount },
        { account: Accounts.walletAvailable(p.influencerId), currency: cur, amount: -net },
        { account: Accounts.feeRevenue, currency: cur, amount: -fee },
        { account: Accounts.stripeBalance, currency: cur, amount: -s.refundAmount },
      ],
    });
    if (!posted) return false;
    const updated = await this.payments.update(em, p.id, {
      status: snap.status,
      amountReleased: snap.amountReleased,
      amountRefunded: snap.amountRefunded,
      feeRecognized: p.feeRecognized + fee,
      ...(snap.status === 'RELEASED' ? { releasedAt: 'now' as const } : {}),
    });
    await this.disputes.unfreeze(em, d, { type: 'DISPUTE_RESOLVED', outcome: s.releaseAmount > 0 ? 'RELEASED' : 'REFUNDED' });
    const status = snap.status === 'RELEASED' ? 'COMPLETED' : snap.status === 'REFUNDED' ? 'CANCELED' : c.status;
    if (status !== c.status) await this.collaborations.setStatus(em, c.id, status, status === 'COMPLETED' ? 'completed' : null);
    await this.repo.close(em, d.id, 'RESOLVED', {
      releaseAmount: s.releaseAmount,
      refundAmount: s.refundAmount,
      platformFee: fee,
      influencerAmount: net,
      note: s.note,
      resolvedBy: s.actorId,
      resolvedAt: new Date().toISOString(),
      stripeRefundId: refundId,
    });
    await this.notifier.parties(em, updated, 'The dispute was resolved');
    await this.events.notify(
      em,
      d,
      'RESOLVED',
      `The dispute was resolved: ${formatMoney({ amount: s.releaseAmount, currency: cur })} released, ${formatMoney({ amount: s.refundAmount, currency: cur })} refunded`,
    );
    await this.collabEvents.notify(
      em,
      { ...c, status },
      'The dispute was resolved',
      d.milestoneId ? { id: d.milestoneId, status: s.releaseAmount > 0 ? 'RELEASED' : 'REFUNDED' } : undefined,
    );
    if (net > 0) {
      const line = posted.lines.find((l) => l.account === Accounts.walletAvailable(p.influencerId))!;
      await this.escrow.creditWallet(em, p, posted.entryId, {
        id: posted.entryId,
        type: 'credit',
        amount: net,
        currency: cur,
        balanceAfter: balanceAfterOf(line),
        description: `Dispute resolution for “${c.title}”`,
      });
    }
    return true;
  }
}
