import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../common/auth/decorators';
import { LedgerInvariantsService } from './ledger-invariants.service';

@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/ledger')
export class LedgerController {
  constructor(private readonly invariants: LedgerInvariantsService) {}

  @Roles('admin')
  @Get('check')
  check() {
    return this.invariants.check();
  }
}
