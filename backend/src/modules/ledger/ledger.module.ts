import { Global, Module } from '@nestjs/common';
import { LedgerController } from './ledger.controller';
import { LedgerInvariantsService } from './ledger-invariants.service';
import { LedgerRepository } from './ledger.repository';
import { LedgerService } from './ledger.service';
import { WalletDebtService } from './wallet-debt.service';

@Global()
@Module({
  controllers: [LedgerController],
  providers: [LedgerRepository, LedgerService, LedgerInvariantsService, WalletDebtService],
  exports: [LedgerRepository, LedgerService, LedgerInvariantsService, WalletDebtService],
})
export class LedgerModule {}
