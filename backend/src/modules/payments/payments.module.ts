import { Module } from '@nestjs/common';
import { CollaborationsController } from '../collaborations/collaborations.controller';
import { CollaborationsService } from '../collaborations/collaborations.service';
import { CollaborationViews } from '../collaborations/collaboration.view';
import { EscrowReleaseService } from './escrow-release.service';
import { PaymentNotifier } from './payment-notifier';
import { RecoveryService } from './recovery.service';
import { PaymentHeldBatch } from './payment-held.batch';
import { PaymentWebhooksHandler } from './payment-webhooks.handler';
import { PaymentRepository } from './payment.repository';
import { PaymentsController } from './payments.controller';
import { PaymentsService } from './payments.service';
import { WalletModule } from '../wallet/wallet.module';
import { RefundRepository } from './refunds/refund.repository';
import { RefundReservationReconcilers } from './refunds/refund-reservations';
import { RefundsReconcileJob } from './refunds/refunds-reconcile.job';
import { RefundsService } from './refunds/refunds.service';

@Module({
  imports: [WalletModule],
  controllers: [CollaborationsController, PaymentsController],
  providers: [
    PaymentRepository,
    PaymentNotifier,
    RecoveryService,
    EscrowReleaseService,
    PaymentsService,
    CollaborationsService,
    CollaborationViews,
    PaymentWebhooksHandler,
    PaymentHeldBatch,
    RefundRepository,
    RefundsService,
    RefundsReconcileJob,
    RefundReservationReconcilers,
  ],
  exports: [
    PaymentRepository,
    PaymentNotifier,
    RecoveryService,
    EscrowReleaseService,
    PaymentsService,
    CollaborationViews,
    RefundRepository,
    RefundsService,
    RefundReservationReconcilers,
  ],
})
export class PaymentsModule {}
