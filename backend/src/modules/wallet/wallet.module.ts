import { Module } from '@nestjs/common';
import { WalletController } from './wallet.controller';
import { WalletRepository } from './wallet.repository';
import { WalletService } from './wallet.service';
import { WalletCreditsRepository } from './wallet-credits.repository';
import { WalletFundsService } from './wallet-funds.service';

/** The influencer's wallet (balances and transactions), a read model over the ledger, and
 * where each part of it came from (credits per charge) and when Stripe lets it be paid out. */
@Module({
  controllers: [WalletController],
  providers: [WalletRepository, WalletService, WalletCreditsRepository, WalletFundsService],
  exports: [WalletService, WalletCreditsRepository, WalletFundsService],
})
export class WalletModule {}
