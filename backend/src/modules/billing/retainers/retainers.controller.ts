import { Body, Controller, Get, HttpCode, Param, ParseIntPipe, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { AuthUser } from '../../../common/auth/auth.types';
import { CurrentUser, Roles } from '../../../common/auth/decorators';
import { UuidPipe } from '../../../common/http/uuid.pipe';
import { IdempotencyService } from '../../../common/idempotency/idempotency.service';
import { PayWithSavedCardDto, RetryRetainerDto, StartRetainerDto } from '../dto/billing.dto';
import { RetainersService } from './retainers.service';

const IDEMPOTENCY_HEADER = { name: 'Idempotency-Key', required: false, description: 'Same key + same body within 24 h returns the first response' };

@ApiTags('retainers')
@ApiBearerAuth()
@Controller('retainers')
export class RetainersController {
  constructor(
    private readonly retainers: RetainersService,
    private readonly idempotency: IdempotencyService,
  ) {}

  @Roles('company')
  @ApiHeader(IDEMPOTENCY_HEADER)
  @Post()
  start(@CurrentUser() user: AuthUser, @Body() dto: StartRetainerDto, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.idempotency.run(req, res, user.id, () => this.retainers.start(user, dto.collaborationId, dto.paymentMethodId), 201);
  }

  @Roles('company', 'influencer', 'admin')
  @Get()
  list(@CurrentUser() user: AuthUser) {
    return this.retainers.list(user);
  }

  @Roles('company', 'influencer', 'admin')
  @Get(':id')
  get(@CurrentUser() user: AuthUser, @Param('id', UuidPipe) id: string) {
    return this.retainers.get(user, id);
  }

  @Roles('company')
  @Post(':id/cancel')
  @HttpCode(200)
  cancel(@CurrentUser() user: AuthUser, @Param('id', UuidPipe) id: string) {
    return this.retainers.cancel(user, id, true);
  }

  @Roles('company')
  @Post(':id/resume')
  @HttpCode(200)
  resume(@CurrentUser() user: AuthUser, @Param('id', UuidPipe) id: string) {
    return this.retainers.cancel(user, id, false);
  }

  @Roles('company')
  @Post(':id/payment-method')
  @HttpCode(200)
  changeCard(@CurrentUser() user: AuthUser, @Param('id', UuidPipe) id: string, @Body() dto: PayWithSavedCardDto) {
    return this.retainers.changeCard(user, id, dto.paymentMethodId);
  }

  @Roles('company')
  @ApiHeader(IDEMPOTENCY_HEADER)
  @Post(':id/retry')
  @HttpCode(200)
  retry(
    @CurrentUser() user: AuthUser,
    @Param('id', UuidPipe) id: string,
    @Body() dto: RetryRetainerDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    return this.idempotency.run(req, res, user.id, () => this.retainers.retry(user, id, dto.paymentMethodId), 200);
  }

  @Roles('company')
  @ApiHeader(IDEMPOTENCY_HEADER)
  @Post(':id/periods/:periodIndex/release')
  @HttpCode(200)
  release(
    @CurrentUser() user: AuthUser,
    @Param('id', UuidPipe) id: string,
    @Param('periodIndex', ParseIntPipe) periodIndex: number,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    return this.idempotency.run(req, res, user.id, () => this.retainers.releasePeriod(user, id, periodIndex), 200);
  }
}
