import { Module } from '@nestjs/common';
import { PaymentNotifier } from '../payments/payment-notifier';
import { WalletController } from './wallet.controller';
import { WalletRepository } from './wallet.repository';
import { WalletService } from './wallet.service';
import { WalletCreditsRepository } from './wallet-credits.repository';
import { WalletFundsService } from './wallet-funds.service';

/** The influencer's wallet (balances and transactions), a read model over the ledger, and
 * where each part of it came from (credits per charge) and when Stripe lets it be paid out. */
@Module({
  controllers: [WalletController],
  // PaymentNotifier: stateless (outbox + ledger reads), provided here too so that the wallet can send wallet:update
  providers: [WalletRepository, WalletService, WalletCreditsRepository, WalletFundsService, PaymentNotifier],
  exports: [WalletService, WalletCreditsRepository, WalletFundsService],
})
export class WalletModule {}
