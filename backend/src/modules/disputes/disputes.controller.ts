import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { AuthUser } from '../../common/auth/auth.types';
import { CurrentUser, Roles } from '../../common/auth/decorators';
import { UuidPipe } from '../../common/http/uuid.pipe';
import { IdempotencyService } from '../../common/idempotency/idempotency.service';
import { DisputeResolutionService } from './dispute-resolution.service';
import { DisputesService } from './disputes.service';
import { DisputeDto, DisputeMessageDto, DisputePageDto, ListDisputesQueryDto, OpenDisputeDto, ResolveDisputeDto } from './dto/dispute.dto';
import { Audited } from '../audit/audit';

@ApiTags('disputes')
@ApiBearerAuth()
@Controller()
export class DisputesController {
  constructor(private readonly disputes: DisputesService) {}

  @Roles('company', 'influencer')
  @Post('collaborations/:id/disputes')
  @ApiOperation({ summary: 'Either party opens a dispute on a milestone or on everything held: that money is frozen' })
  @ApiCreatedResponse({ type: DisputeDto })
  open(@CurrentUser() user: AuthUser, @Param('id', UuidPipe) id: string, @Body() dto: OpenDisputeDto) {
    return this.disputes.open(user, id, dto);
  }

  @Roles('company', 'influencer', 'admin')
  @Get('disputes')
  @ApiOperation({ summary: 'Disputes of your collaborations, newest first (admins: all, ?status=)' })
  @ApiOkResponse({ type: DisputePageDto })
  list(@CurrentUser() user: AuthUser, @Query() q: ListDisputesQueryDto) {
    return this.disputes.list(user, q);
  }

  @Roles('company', 'influencer', 'admin')
  @Get('disputes/:id')
  @ApiOkResponse({ type: DisputeDto })
  get(@CurrentUser() user: AuthUser, @Param('id', UuidPipe) id: string) {
    return this.disputes.get(user, id);
  }

  @Roles('company', 'influencer', 'admin')
  @Post('disputes/:id/messages')
  @HttpCode(200)
  @ApiOperation({ summary: 'A message in the dispute (the parties and admins), while it is open' })
  @ApiOkResponse({ type: DisputeDto })
  message(@CurrentUser() user: AuthUser, @Param('id', UuidPipe) id: string, @Body() dto: DisputeMessageDto) {
    return this.disputes.message(user, id, dto.body, dto.links ?? []);
  }

  @Roles('company', 'influencer')
  @Post('disputes/:id/withdraw')
  @HttpCode(200)
  @ApiOperation({ summary: 'Whoever opened the dispute withdraws it: the money is unfrozen' })
  @ApiOkResponse({ type: DisputeDto })
  withdraw(@CurrentUser() user: AuthUser, @Param('id', UuidPipe) id: string) {
    return this.disputes.withdraw(user, id);
  }
}

@ApiTags('admin')
@ApiBearerAuth()
@Roles('admin')
@Controller('admin/disputes')
export class AdminDisputesController {
  constructor(
    private readonly resolution: DisputeResolutionService,
    private readonly idempotency: IdempotencyService,
  ) {}

  @Post(':id/resolve')
  @Audited('dispute.resolve', 'dispute')
  @HttpCode(200)
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Same key + same body within 24 h returns the first response' })
  @ApiOperation({ summary: 'Resolve with a split: releaseAmount to the influencer, refundAmount to the company (sum = the disputed amount)' })
  @ApiOkResponse({ type: DisputeDto })
  resolve(
    @CurrentUser() user: AuthUser,
    @Param('id', UuidPipe) id: string,
    @Body() dto: ResolveDisputeDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    return this.idempotency.run(req, res, user.id, () => this.resolution.resolve(user, id, dto), 200);
  }
}
