import { Module } from '@nestjs/common';
import { CollaborationsController } from '../collaborations/collaborations.controller';
import { CollaborationsService } from '../collaborations/collaborations.service';
import { PaymentWebhooksHandler } from './payment-webhooks.handler';
import { PaymentRepository } from './payment.repository';
import { PaymentsController } from './payments.controller';
import { PaymentsService } from './payments.service';
import { WalletModule } from '../wallet/wallet.module';

@Module({
  imports: [WalletModule],
  controllers: [CollaborationsController, PaymentsController],
  providers: [PaymentRepository, PaymentsService, CollaborationsService, PaymentWebhooksHandler],
  exports: [PaymentRepository, PaymentsService],
})
export class PaymentsModule {}
