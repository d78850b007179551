import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import Stripe from 'stripe';
import { DataSource } from 'typeorm';
import { LedgerRepository } from '../ledger/ledger.repository';
import { PaymentRepository } from '../payments/payment.repository';
import {
  findRefundAtStripe,
  reconcileEach,
  RefundReservationReconciler,
  RefundReservationReconcilers,
  refundStands,
} from '../payments/refunds/refund-reservations';
import { STRIPE } from '../stripe/stripe.module';
import { ClawbackService } from './clawback.service';

/**
 * Clawbacks whose request died after the reservation (run by the `refunds-reconcile` job): the refund Stripe made
 * for the reservation (metadata `collabpay_clawback` = its id; for a reservation from before ids, a clawback refund
 * of the same amount and reason not booked yet) is booked exactly as the admin's retry would book it; when Stripe
 * has none (or it failed), the reservation is released and the payment can be clawed back again.
 */
@Injectable()
export class ClawbackRefundReconciler implements RefundReservationReconciler, OnModuleInit {
  readonly name = 'clawbacks';
  private readonly logger = new Logger(ClawbackRefundReconciler.name);

  constructor(
    private readonly ds: DataSource,
    private readonly payments: PaymentRepository,
    private readonly ledger: LedgerRepository,
    private readonly clawbacks: ClawbackService,
    private readonly reconcilers: RefundReservationReconcilers,
    @Inject(STRIPE) private readonly stripe: Stripe,
  ) {}

  onModuleInit(): void {
    this.reconcilers.register(this);
  }

  async reconcile(olderThanMs: number) {
    return reconcileEach(this.logger, 'clawback of payment', await this.payments.listStaleClawbacks(olderThanMs), async (p) => {
      const c = p.pendingClawback!;
      const refund = await findRefundAtStripe(this.stripe, p, async (r) =>
        c.id
          ? r.metadata?.collabpay_clawback === c.id
          : r.metadata?.clawback === 'true' &&
            r.amount === c.amount &&
            r.metadata?.reason === c.reason &&
            !(await this.ledger.entryExists(this.ds.manager, `clawback:${r.id}`)),
      );
      if (!refundStands(refund)) return (await this.clawbacks.release(p.id, c)) ? 'released' : 'skipped';
      return (await this.clawbacks.complete(p.id, c, refund.id)) ? 'booked' : 'skipped';
    });
  }
}
