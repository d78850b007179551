import { Module } from '@nestjs/common';
import { PaymentsModule } from '../payments/payments.module';
import { DisputeEvents } from './dispute-events';
import { DisputeRefundReconciler } from './dispute-refund-reconciler';
import { DisputeResolutionService } from './dispute-resolution.service';
import { DisputeRepository } from './dispute.repository';
import { AdminDisputesController, DisputesController } from './disputes.controller';
import { DisputesService } from './disputes.service';

/** Mediation disputes between the parties: freeze, messages, withdrawal, admin resolution with a split. */
@Module({
  imports: [PaymentsModule],
  controllers: [DisputesController, AdminDisputesController],
  providers: [DisputeRepository, DisputeEvents, DisputesService, DisputeResolutionService, DisputeRefundReconciler],
})
export class DisputesModule {}
