import { Body, Controller, HttpCode, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { AuthUser } from '../../common/auth/auth.types';
import { CurrentUser, Roles } from '../../common/auth/decorators';
import { UuidPipe } from '../../common/http/uuid.pipe';
import { IdempotencyService } from '../../common/idempotency/idempotency.service';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/env.schema';
import { CollaborationDto } from '../collaborations/dto/collaboration.dto';
import { AutoReleaseService, resolveAsOf } from './auto-release.service';
import { AutoReleaseResultDto, AutoReleaseRunDto, RequestChangesDto, SubmitMilestoneDto } from './dto/milestone.dto';
import { MilestonesService } from './milestones.service';
import { Audited } from '../audit/audit';

const IDEMPOTENCY_HEADER = { name: 'Idempotency-Key', required: false, description: 'Same key + same body within 24 h returns the first response' };

@ApiTags('milestones')
@ApiBearerAuth()
@Controller('collaborations/:id/milestones/:milestoneId')
export class MilestonesController {
  constructor(
    private readonly milestones: MilestonesService,
    private readonly idempotency: IdempotencyService,
  ) {}

  @Roles('influencer')
  @Post('submit')
  @HttpCode(200)
  @ApiOperation({ summary: 'The influencer submits the deliverables of a milestone; the review clock starts' })
  @ApiOkResponse({ type: CollaborationDto })
  submit(@CurrentUser() user: AuthUser, @Param('id', UuidPipe) id: string, @Param('milestoneId', UuidPipe) mid: string, @Body() dto: SubmitMilestoneDto) {
    return this.milestones.submit(user, id, mid, dto.note, dto.links ?? []);
  }

  @Roles('company')
  @ApiHeader(IDEMPOTENCY_HEADER)
  @Post('approve')
  @HttpCode(200)
  @ApiOperation({ summary: "The company approves a milestone: its money is released to the influencer's wallet" })
  @ApiOkResponse({ type: CollaborationDto })
  approve(
    @CurrentUser() user: AuthUser,
    @Param('id', UuidPipe) id: string,
    @Param('milestoneId', UuidPipe) mid: string,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    return this.idempotency.run(req, res, user.id, () => this.milestones.approve(user, id, mid), 200);
  }

  @Roles('company')
  @Post('request-changes')
  @HttpCode(200)
  @ApiOperation({ summary: 'The company asks for changes on a submitted milestone (at most MAX_CHANGE_REQUESTS times)' })
  @ApiOkResponse({ type: CollaborationDto })
  requestChanges(
    @CurrentUser() user: AuthUser,
    @Param('id', UuidPipe) id: string,
    @Param('milestoneId', UuidPipe) mid: string,
    @Body() dto: RequestChangesDto,
  ) {
    return this.milestones.requestChanges(user, id, mid, dto.note);
  }
}

@ApiTags('admin')
@ApiBearerAuth()
@Roles('admin')
@Controller('admin/jobs')
export class AdminJobsController {
  constructor(
    private readonly autoRelease: AutoReleaseService,
    @Inject(APP_CONFIG) private readonly cfg: AppConfig,
  ) {}

  @Post('auto-release/run')
  @Audited('job.auto_release.run', 'job')
  @HttpCode(200)
  @ApiOperation({ summary: 'Run the auto-release pass now (asOf: an instant to treat as now, refused in production)' })
  @ApiOkResponse({ type: AutoReleaseResultDto })
  async run(@Body() dto: AutoReleaseRunDto): Promise<AutoReleaseResultDto> {
    return { released: await this.autoRelease.run({ asOf: resolveAsOf(dto.asOf, this.cfg.nodeEnv), wait: true }) };
  }
}
