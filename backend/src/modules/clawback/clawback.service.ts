import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import Stripe from 'stripe';
import { DataSource, EntityManager } from 'typeorm';
import { NotFound } from '../../common/access/access.policy';
import type { AuthUser } from '../../common/auth/auth.types';
import { inTransaction } from '../../common/database/transaction';
import { AppError, badGateway, conflict } from '../../common/errors/app-error';
import { formatMoney } from '../../common/money/currency';
import { Accounts } from '../ledger/domain/accounts';
import { LedgerService } from '../ledger/ledger.service';
import { OutboxService } from '../outbox/outbox.service';
import { PaymentNotifier } from '../payments/payment-notifier';
import { PaymentRecord, PaymentRepository, PendingClawback } from '../payments/payment.repository';
import { PaymentView, toPaymentView } from '../payments/payment.view';
import { stripeErrorToApp } from '../payments/payments.service';
import { RecoveryService } from '../payments/recovery.service';
import { requestKeyDigest } from '../payments/refunds/refunds.service';
import { STRIPE } from '../stripe/stripe.module';

/**
 * The Stripe idempotency key of a clawback's refund: from the reservation, so every retry of it (the admin's or
 * reconciliation's) is the same request; a reservation from before reservations had ids keeps the key it was sent with.
 */
export const clawbackRefundKey = (p: PaymentRecord, c: PendingClawback): string =>
  c.id ? `collabpay-clawback-${p.id}-${c.id}` : `collabpay-clawback-${p.id}-${p.amountClawedBack}-${c.amount}`;

/**
 * Clawback after release: `amount` (at most what was released and not yet clawed back) goes back to the company
 * through a Stripe refund and is recovered from the influencer — the released money less the platform fee's
 * share of it (the platform returns its fee on money it gives back) — from the wallet's available balance first,
 * the rest as a debt (`owed`). Reserve (under the payment lock) → refund at Stripe (no lock, key from the
 * reservation) → finish (under the lock, one journal entry). A reservation whose request died is resolved by
 * ClawbackRefundReconciler through `complete` / `release`; a retry under the client's Idempotency-Key of a
 * clawback finished meanwhile answers the payment as it is and claws back nothing more.
 */
@Injectable()
export class ClawbackService {
  private readonly logger = new Logger(ClawbackService.name);

  constructor(
    private readonly ds: DataSource,
    private readonly payments: PaymentRepository,
    private readonly ledger: LedgerService,
    private readonly recovery: RecoveryService,
    private readonly notifier: PaymentNotifier,
    private readonly outbox: OutboxService,
    @Inject(STRIPE) private readonly stripe: Stripe,
  ) {}

  /** `requestKey`: the client's Idempotency-Key; a retry under it resumes (or answers) the same clawback. */
  async clawback(admin: AuthUser, paymentId: string, amount: number, reason: string, requestKey?: string): Promise<PaymentView> {
    const key = requestKey ? requestKeyDigest(admin.id, requestKey) : undefined;
    const reserved = await inTransaction(this.ds, async (em) => {
      const p = await this.payments.findById(paymentId, em, true);
      if (!p) throw NotFound.payment();
      if (key && (await this.answered(em, p.id, key))) return null; // finished meanwhile (e.g. by reconciliation)
      if (p.pendingClawback && (p.pendingClawback.amount !== amount || p.pendingClawback.reason !== reason))
        throw conflict('CLAWBACK_IN_PROGRESS', 'Another clawback of this payment is in progress; retry it with the same body');
      if (p.status === 'DISPUTED') throw conflict('PAYMENT_DISPUTED', 'A card dispute is open on this payment: wait for it to close');
      const recoverable = p.amountReleased - p.amountClawedBack;
      if (amount > recoverable)
        throw conflict('AMOUNT_EXCEEDS_RELEASED', `Only ${formatMoney({ amount: recoverable, currency: p.currency })} was released and not yet clawed back`, {
          recoverable,
        });
      if (!p.stripeChargeId && !p.stripePaymentIntentId) throw conflict('PAYMENT_NOT_HELD', 'This payment has no charge to refund');
      // a retry renews the reservation's time: reconciliation leaves a reservation alone while a request works on it
      const reservedAt = new Date().toISOString();
      const pending: PendingClawback = p.pendingClawback
        ? { ...p.pendingClawback, reservedAt }
        : { amount, reason, actorId: admin.id, id: randomUUID(), reservedAt, ...(key ? { requestKey: key } : {}) };
      await this.payments.update(em, p.id, { pendingClawback: pending });
      return { p, pending };
    });
    if (!reserved) return toPaymentView((await this.payments.findById(paymentId))!);
    const refund = await this.refundAtStripe(reserved.p, reserved.pending);
    await this.complete(paymentId, reserved.pending, refund.id, key);
    return toPaymentView((await this.payments.findById(paymentId))!);
  }

  private async refundAtStripe(p: PaymentRecord, c: PendingClawback): Promise<Stripe.Refund> {
    try {
      const refund = await this.stripe.refunds.create(
        {
          ...(p.stripeChargeId ? { charge: p.stripeChargeId } : { payment_intent: p.stripePaymentIntentId! }),
          amount: c.amount,
          metadata: {
            payment_id: p.id,
            collaboration_id: p.collaborationId,
            clawback: 'true',
            reason: c.reason,
            ...(c.id ? { collabpay_clawback: c.id } : {}),
          },
        },
        { idempotencyKey: clawbackRefundKey(p, c) },
      );
      if (refund.status === 'failed' || refund.status === 'canceled')
        throw badGateway('REFUND_FAILED', `Stripe could not refund: ${refund.failure_reason ?? refund.status}`);
      return refund;
    } catch (e) {
      if (e instanceof AppError) throw e;
      const type = (e as { type?: string }).type;
      if (type === 'StripeInvalidRequestError' || type === 'StripeCardError')
        await inTransaction(this.ds, (em) => this.payments.update(em, p.id, { pendingClawback: null }));
      this.logger.warn(`clawback refund of payment ${p.id} failed: ${(e as Error).message}`);
      throw stripeErrorToApp(e);
    }
  }

  /**
   * The finish, for the admin's request and for reconciliation alike: books `reservation` (refunded at Stripe as
   * `refundId`) under the payment's lock as one journal entry (`clawback:<refund id>`), once: false when it is no
   * longer the payment's reservation (finished or released meanwhile). `requestKey`: the finishing request's key.
   */
  async complete(paymentId: string, reservation: PendingClawback, refundId: string, requestKey?: string): Promise<boolean> {
    const done = await inTransaction(this.ds, async (em) => {
      const p = (await this.payments.findById(paymentId, em, true))!;
      const c = p.pendingClawback;
      if (!c || c.id !== reservation.id) return false; // a concurrent retry (or reconciliation) finished it
      const r = await this.recovery.lines(em, p, c.amount);
      const description = `Clawback: ${c.reason}`;
      const posted = await this.ledger.post(em, {
        type: 'clawback',
        referenceType: 'payment',
        referenceId: p.id,
        description,
        idempotencyKey: `clawback:${refundId}`,
        lines: [{ account: Accounts.stripeBalance, currency: p.currency, amount: -c.amount }, ...r.lines],
      });
      if (!posted) return false;
      const updated = await this.payments.update(em, p.id, { amountClawedBack: p.amountClawedBack + c.amount, pendingClawback: null });
      for (const k of new Set([c.requestKey, requestKey])) if (k) await this.answer(em, p.id, k, refundId);
      await this.notifier.parties(em, updated, `${formatMoney({ amount: c.amount, currency: p.currency })} clawed back and refunded to the company`);
      await this.recovery.notify(em, p, r, posted, description);
      return true;
    });
    this.outbox.notifyCommitted();
    return done;
  }

  /**
   * Frees the payment of `reservation` when Stripe made no refund for it: only while it is still the payment's
   * reservation with the same time (a request renewing it meanwhile may be calling Stripe right now).
   */
  async release(paymentId: string, reservation: PendingClawback): Promise<boolean> {
    return inTransaction(this.ds, async (em) => {
      const p = (await this.payments.findById(paymentId, em, true))!;
      const c = p.pendingClawback;
      if (!c || c.id !== reservation.id || c.reservedAt !== reservation.reservedAt) return false;
      await this.payments.update(em, p.id, { pendingClawback: null });
      this.logger.warn(`payment ${p.id}: the clawback's refund was never made at Stripe; the reservation is released`);
      return true;
    });
  }

  private async answered(em: EntityManager, paymentId: string, requestKey: string): Promise<boolean> {
    return (await em.query(`SELECT 1 FROM clawback_requests WHERE payment_id = $1 AND request_key = $2`, [paymentId, requestKey])).length > 0;
  }

  private async answer(em: EntityManager, paymentId: string, requestKey: string, refundId: string): Promise<void> {
    await em.query(`INSERT INTO clawback_requests (payment_id, request_key, stripe_refund_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [
      paymentId,
      requestKey,
      refundId,
    ]);
  }
}
