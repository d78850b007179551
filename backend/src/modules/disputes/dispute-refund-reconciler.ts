import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import Stripe from 'stripe';
import { PaymentRepository } from '../payments/payment.repository';
import {
  findRefundAtStripe,
  reconcileEach,
  RefundReservationReconciler,
  RefundReservationReconcilers,
  refundStands,
} from '../payments/refunds/refund-reservations';
import { STRIPE } from '../stripe/stripe.module';
import { DisputeResolutionService } from './dispute-resolution.service';
import { DisputeRepository } from './dispute.repository';

/**
 * Dispute resolutions whose request died after the reservation (run by the `refunds-reconcile` job): the refund
 * Stripe made for the reservation (metadata `dispute_id`, and `collabpay_reservation` when the reservation has an
 * id) is booked exactly as the admin's retry would book it; when Stripe has none (or it failed), the reservation
 * is released and the dispute can be resolved (or withdrawn) again.
 */
@Injectable()
export class DisputeRefundReconciler implements RefundReservationReconciler, OnModuleInit {
  readonly name = 'disputes';
  private readonly logger = new Logger(DisputeRefundReconciler.name);

  constructor(
    private readonly repo: DisputeRepository,
    private readonly payments: PaymentRepository,
    private readonly resolution: DisputeResolutionService,
    private readonly reconcilers: RefundReservationReconcilers,
    @Inject(STRIPE) private readonly stripe: Stripe,
  ) {}

  onModuleInit(): void {
    this.reconcilers.register(this);
  }

  async reconcile(olderThanMs: number) {
    return reconcileEach(this.logger, 'dispute resolution', await this.repo.listStalePending(olderThanMs), async (d) => {
      const s = d.pendingResolution!;
      let refund: Stripe.Refund | null = null;
      if (s.refundAmount > 0) {
        const p = (await this.payments.findById(d.paymentId))!;
        refund = await findRefundAtStripe(
          this.stripe,
          p,
          (r) => r.metadata?.dispute_id === d.id && (!s.reservationId || r.metadata?.collabpay_reservation === s.reservationId),
        );
        if (!refundStands(refund)) return (await this.resolution.release(d.id, s)) ? 'released' : 'skipped';
      }
      return (await this.resolution.complete(d.id, s, refund?.id ?? null)) ? 'booked' : 'skipped';
    });
  }
}
