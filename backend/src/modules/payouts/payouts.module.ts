import { Module } from '@nestjs/common';
import { ConnectModule } from '../connect/connect.module';
import { PaymentsModule } from '../payments/payments.module';
import { WalletModule } from '../wallet/wallet.module';
import { PayoutExecutionService } from './payout-execution.service';
import { PayoutRepository } from './payout.repository';
import { PayoutStateService } from './payout-state.service';
import { PayoutWebhooksHandler } from './payout-webhooks.handler';
import { AdminPayoutsController, PayoutsController } from './payouts.controller';
import { PayoutsProcessor } from './payouts.processor';
import { PayoutsService } from './payouts.service';

/** Payouts from the wallet to the influencer's bank: request, Stripe transfer + payout, events, reconciliation. */
@Module({
  imports: [ConnectModule, PaymentsModule, WalletModule],
  controllers: [PayoutsController, AdminPayoutsController],
  providers: [PayoutRepository, PayoutStateService, PayoutExecutionService, PayoutsService, PayoutWebhooksHandler, PayoutsProcessor],
  exports: [PayoutsService, PayoutExecutionService],
})
export class PayoutsModule {}
