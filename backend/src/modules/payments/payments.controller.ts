import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { AuthUser } from '../../common/auth/auth.types';
import { CurrentUser, Roles } from '../../common/auth/decorators';
import { UuidPipe } from '../../common/http/uuid.pipe';
import { IdempotencyService } from '../../common/idempotency/idempotency.service';
import { CreateIntentDto, ListPaymentsQueryDto, RefundDto, ReleaseDto } from './dto/payment.dto';
import { PaymentsService } from './payments.service';
import { RefundsService } from './refunds/refunds.service';

/** The client's Idempotency-Key, if it sent one: a retry of the same request then reaches Stripe with the same key. */
export function requestKeyOf(req: Request): string | undefined {
  const h = req.headers['idempotency-key'];
  return typeof h === 'string' && h ? h : undefined;
}

const IDEMPOTENCY_HEADER = { name: 'Idempotency-Key', required: false, description: 'Same key + same body within 24 h returns the first response' };

@ApiTags('payments')
@ApiBearerAuth()
@Controller('payments')
export class PaymentsController {
  constructor(
    private readonly payments: PaymentsService,
    private readonly refunds: RefundsService,
    private readonly idempotency: IdempotencyService,
  ) {}

  @Roles('company')
  @ApiHeader(IDEMPOTENCY_HEADER)
  @Post('create-intent')
  createIntent(@CurrentUser() user: AuthUser, @Body() dto: CreateIntentDto, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.idempotency.run(req, res, user.id, () => this.payments.createIntent(user, dto.collaborationId), 201);
  }

  @Roles('company', 'influencer', 'admin')
  @Get()
  list(@CurrentUser() user: AuthUser, @Query() q: ListPaymentsQueryDto) {
    return this.payments.list(user, q.limit ?? 20, q.cursor, q.status);
  }

  @Roles('company', 'influencer', 'admin')
  @Get('collaboration/:collaborationId')
  byCollaboration(@CurrentUser() user: AuthUser, @Param('collaborationId', UuidPipe) id: string) {
    return this.payments.getByCollaboration(user, id);
  }

  @Roles('company')
  @ApiHeader(IDEMPOTENCY_HEADER)
  @Post('collaboration/:collaborationId/release')
  @HttpCode(200)
  release(
    @CurrentUser() user: AuthUser,
    @Param('collaborationId', UuidPipe) id: string,
    @Body() dto: ReleaseDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    return this.idempotency.run(req, res, user.id, () => this.payments.release(user, id, dto.milestoneId), 200);
  }

  @Roles('company')
  @Get(':id/client-secret')
  clientSecret(@CurrentUser() user: AuthUser, @Param('id', UuidPipe) id: string) {
    return this.payments.clientSecret(user, id);
  }

  @Roles('company')
  @Post(':id/confirm')
  @HttpCode(200)
  confirm(@CurrentUser() user: AuthUser, @Param('id', UuidPipe) id: string) {
    return this.payments.confirm(user, id);
  }

  @Roles('company', 'admin')
  @ApiHeader(IDEMPOTENCY_HEADER)
  @Post(':id/refund')
  @HttpCode(200)
  refund(
    @CurrentUser() user: AuthUser,
    @Param('id', UuidPipe) id: string,
    @Body() dto: RefundDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    return this.idempotency.run(req, res, user.id, () => this.refunds.refund(user, id, dto.amount, dto.reason, requestKeyOf(req)), 200);
  }

  @Roles('company', 'influencer', 'admin')
  @Get(':id')
  get(@CurrentUser() user: AuthUser, @Param('id', UuidPipe) id: string) {
    return this.payments.getForUser(user, id);
  }
}
