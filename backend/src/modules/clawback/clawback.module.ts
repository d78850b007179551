import { Module } from '@nestjs/common';
import { PaymentsModule } from '../payments/payments.module';
import { AdminClawbackController } from './clawback.controller';
import { ClawbackRefundReconciler } from './clawback-refund-reconciler';
import { ClawbackService } from './clawback.service';

/** Clawback after release and the influencer's debt. */
@Module({
  imports: [PaymentsModule],
  controllers: [AdminClawbackController],
  providers: [ClawbackService, ClawbackRefundReconciler],
  exports: [ClawbackService],
})
export class ClawbackModule {}
