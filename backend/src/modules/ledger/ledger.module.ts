import { Global, Module } from '@nestjs/common';
import { LedgerController } from './ledger.controller';
import { LedgerInvariantsService } from './ledger-invariants.service';
import { LedgerRepository } from './ledger.repository';
import { LedgerService } from './ledger.service';

@Global()
@Module({
  controllers: [LedgerController],
  providers: [LedgerRepository, LedgerService, LedgerInvariantsService],
  exports: [LedgerRepository, LedgerService, LedgerInvariantsService],
})
export class LedgerModule {}
