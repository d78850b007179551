import { Inject, Injectable, Logger } from '@nestjs/common';
import Stripe from 'stripe';
import { DataSource } from 'typeorm';
import { NotFound } from '../../common/access/access.policy';
import type { AuthUser } from '../../common/auth/auth.types';
import { inTransaction } from '../../common/database/transaction';
import { AppError, badGateway, conflict } from '../../common/errors/app-error';
import { formatMoney } from '../../common/money/currency';
import { Accounts } from '../ledger/domain/accounts';
import { LedgerService } from '../ledger/ledger.service';
import { OutboxService } from '../outbox/outbox.service';
import { PaymentNotifier } from '../payments/payment-notifier';
import { PaymentRepository } from '../payments/payment.repository';
import { PaymentView, toPaymentView } from '../payments/payment.view';
import { stripeErrorToApp } from '../payments/payments.service';
import { RecoveryService } from '../payments/recovery.service';
import { STRIPE } from '../stripe/stripe.module';

/**
 * Clawback after release: `amount` (at most what was released and not yet clawed back) goes back to the company
 * through a Stripe refund and is recovered from the influencer — the released money less the platform fee's
 * share of it (the platform returns its fee on money it gives back) — from the wallet's available balance first,
 * the rest as a debt (`owed`). Reserve (under the payment lock) → refund at Stripe (no lock, key from the payment
 * and the amounts) → finish (under the lock, one journal entry).
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

  async clawback(admin: AuthUser, paymentId: string, amount: number, reason: string): Promise<PaymentView> {
    const pending = { amount, reason, actorId: admin.id };
    const reserved = await inTransaction(this.ds, async (em) => {
      const p = await this.payments.findById(paymentId, em, true);
      if (!p) throw NotFound.payment();
      if (p.pendingClawback && (p.pendingClawback.amount !== amount || p.pendingClawback.reason !== reason))
        throw conflict('CLAWBACK_IN_PROGRESS', 'Another clawback of this payment is in progress; retry it with the same body');
      if (p.status === 'DISPUTED') throw conflict('PAYMENT_DISPUTED', 'A card dispute is open on this payment: wait for it to close');
      const recoverable = p.amountReleased - p.amountClawedBack;
      if (amount > recoverable)
        throw conflict('AMOUNT_EXCEEDS_RELEASED', `Only ${formatMoney({ amount: recoverable, currency: p.currency })} was released and not yet clawed back`, {
          recoverable,
        });
      if (!p.stripeChargeId && !p.stripePaymentIntentId) throw conflict('PAYMENT_NOT_HELD', 'This payment has no charge to refund');
      if (!p.pendingClawback) await this.payments.update(em, p.id, { pendingClawback: pending });
      return p;
    });
    const key = `collabpay-clawback-${reserved.id}-${reserved.amountClawedBack}-${amount}`;
    let refund: Stripe.Refund;
    try {
      refund = await this.stripe.refunds.create(
        {
          ...(reserved.stripeChargeId ? { charge: reserved.stripeChargeId } : { payment_intent: reserved.stripePaymentIntentId! }),
          amount,
          metadata: { payment_id: reserved.id, collaboration_id: reserved.collaborationId, clawback: 'true', reason },
        },
        { idempotencyKey: key },
      );
      if (refund.status === 'failed' || refund.status === 'canceled')
        throw badGateway('REFUND_FAILED', `Stripe could not refund: ${refund.failure_reason ?? refund.status}`);
    } catch (e) {
      if (e instanceof AppError) throw e;
      const type = (e as { type?: string }).type;
      if (type === 'StripeInvalidRequestError' || type === 'StripeCardError')
        await inTransaction(this.ds, (em) => this.payments.update(em, reserved.id, { pendingClawback: null }));
      this.logger.warn(`clawback refund of payment ${reserved.id} failed: ${(e as Error).message}`);
      throw stripeErrorToApp(e);
    }
    const result = await inTransaction(this.ds, async (em) => {
      const p = (await this.payments.findById(paymentId, em, true))!;
      if (!p.pendingClawback) return p; // a concurrent retry finished it
      const r = await this.recovery.lines(em, p, amount);
      const description = `Clawback: ${reason}`;
      const posted = await this.ledger.post(em, {
        type: 'clawback',
        referenceType: 'payment',
        referenceId: p.id,
        description,
        idempotencyKey: `clawback:${refund.id}`,
        lines: [{ account: Accounts.stripeBalance, currency: p.currency, amount: -amount }, ...r.lines],
      });
      if (!posted) return p;
      const updated = await this.payments.update(em, p.id, { amountClawedBack: p.amountClawedBack + amount, pendingClawback: null });
      await this.notifier.parties(em, updated, `${formatMoney({ amount, currency: p.currency })} clawed back and refunded to the company`);
      await this.recovery.notify(em, p, r, posted, description);
      return updated;
    });
    this.outbox.notifyCommitted();
    return toPaymentView(result);
  }
}
