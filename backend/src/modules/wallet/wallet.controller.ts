import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { AuthUser } from '../../common/auth/auth.types';
import { CurrentUser, Roles } from '../../common/auth/decorators';
import { ListTransactionsQueryDto, TransactionFilterDto } from './dto/wallet.dto';
import { WalletService } from './wallet.service';

@ApiTags('wallet')
@ApiBearerAuth()
@Roles('influencer')
@Controller('wallet')
export class WalletController {
  constructor(private readonly wallet: WalletService) {}

  @Get('balance')
  balance(@CurrentUser() user: AuthUser) {
    return this.wallet.balance(user);
  }

  @Get('transactions')
  transactions(@CurrentUser() user: AuthUser, @Query() q: ListTransactionsQueryDto) {
    return this.wallet.transactions(user, q);
  }

  @ApiProduces('text/csv')
  @Get('transactions.csv')
  async transactionsCsv(@CurrentUser() user: AuthUser, @Query() q: TransactionFilterDto, @Res({ passthrough: true }) res: Response) {
    const csv = await this.wallet.transactionsCsv(user, q);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="collabpay-transactions-${new Date().toISOString().slice(0, 10)}.csv"`);
    res.setHeader('Cache-Control', 'no-store');
    return csv;
  }
}
