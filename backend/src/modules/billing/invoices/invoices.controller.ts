import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { AuthUser } from '../../../common/auth/auth.types';
import { CurrentUser, Roles } from '../../../common/auth/decorators';
import { UuidPipe } from '../../../common/http/uuid.pipe';
import { IdempotencyService } from '../../../common/idempotency/idempotency.service';
import { CreateInvoiceDto, ListQueryDto } from '../dto/billing.dto';
import { InvoicesService } from './invoices.service';

const IDEMPOTENCY_HEADER = { name: 'Idempotency-Key', required: false, description: 'Same key + same body within 24 h returns the first response' };

@ApiTags('invoices')
@ApiBearerAuth()
@Controller('invoices')
export class InvoicesController {
  constructor(
    private readonly invoices: InvoicesService,
    private readonly idempotency: IdempotencyService,
  ) {}

  @Roles('company')
  @ApiHeader(IDEMPOTENCY_HEADER)
  @Post()
  create(@CurrentUser() user: AuthUser, @Body() dto: CreateInvoiceDto, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.idempotency.run(req, res, user.id, () => this.invoices.create(user, dto.collaborationId, dto.daysUntilDue), 201);
  }

  @Roles('company', 'influencer', 'admin')
  @Get()
  list(@CurrentUser() user: AuthUser, @Query() q: ListQueryDto) {
    return this.invoices.list(user, q.limit ?? 20, q.cursor, { collaborationId: q.collaborationId });
  }

  @Roles('company', 'influencer', 'admin')
  @Get(':id')
  get(@CurrentUser() user: AuthUser, @Param('id', UuidPipe) id: string) {
    return this.invoices.get(user, id);
  }

  @Roles('company')
  @Post(':id/send')
  @HttpCode(200)
  send(@CurrentUser() user: AuthUser, @Param('id', UuidPipe) id: string) {
    return this.invoices.send(user, id);
  }

  @Roles('company')
  @ApiHeader(IDEMPOTENCY_HEADER)
  @Post(':id/void')
  @HttpCode(200)
  void(@CurrentUser() user: AuthUser, @Param('id', UuidPipe) id: string, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.idempotency.run(req, res, user.id, () => this.invoices.void(user, id), 200);
  }
}
