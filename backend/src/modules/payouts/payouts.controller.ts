import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { AuthUser } from '../../common/auth/auth.types';
import { CurrentUser, Roles } from '../../common/auth/decorators';
import { UuidPipe } from '../../common/http/uuid.pipe';
import { IdempotencyService } from '../../common/idempotency/idempotency.service';
import { ListPayoutsQueryDto, RequestPayoutDto } from './dto/payout.dto';
import { PayoutExecutionService } from './payout-execution.service';
import { PayoutsService } from './payouts.service';

@ApiTags('wallet')
@ApiBearerAuth()
@Roles('influencer')
@Controller('wallet')
export class PayoutsController {
  constructor(
    private readonly payouts: PayoutsService,
    private readonly idempotency: IdempotencyService,
  ) {}

  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Same key + same body within 24 h returns the first response' })
  @Post('payout')
  request(@CurrentUser() user: AuthUser, @Body() dto: RequestPayoutDto, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.idempotency.run(req, res, user.id, () => this.payouts.request(user, dto.amount, dto.currency), 201);
  }

  @Get('payouts')
  list(@CurrentUser() user: AuthUser, @Query() q: ListPayoutsQueryDto) {
    return this.payouts.list(user, q.limit ?? 20, q.cursor, q.status);
  }

  @Get('payouts/:id')
  get(@CurrentUser() user: AuthUser, @Param('id', UuidPipe) id: string) {
    return this.payouts.get(user, id);
  }
}

/** Operations: resolve unfinished payouts now (the scheduler does it periodically). */
@ApiTags('admin')
@ApiBearerAuth()
@Roles('admin')
@Controller('admin/payouts')
export class AdminPayoutsController {
  constructor(private readonly execution: PayoutExecutionService) {}

  @Post('reconcile')
  @HttpCode(200)
  reconcile() {
    return this.execution.reconcile({ olderThanMs: 0, inTransitOlderThanMs: 0 });
  }
}
