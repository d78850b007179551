import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../common/auth/decorators';
import { ListWebhookEventsQuery, ReconcileDto, SweepDto } from './dto/webhook-events.dto';
import { WebhookEventsService } from './webhook-events.service';
import { WebhookMaintenanceService } from './webhook-maintenance.service';

@ApiTags('admin')
@ApiBearerAuth()
@Roles('admin')
@Controller('admin/webhook-events')
export class AdminWebhookEventsController {
  constructor(
    private readonly events: WebhookEventsService,
    private readonly maintenance: WebhookMaintenanceService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Stored Stripe events, newest first (?status=failed for the ones that need a look)' })
  list(@Query() q: ListWebhookEventsQuery) {
    return this.events.list(q);
  }

  @Get('stats')
  @ApiOperation({ summary: 'Number of stored events per status' })
  stats() {
    return this.events.stats();
  }

  @Post('reconcile')
  @HttpCode(200)
  @ApiOperation({ summary: "Pull recent events from Stripe's Events API into the inbox now (missed webhooks)" })
  reconcile(@Body() dto: ReconcileDto) {
    return this.maintenance.reconcile(dto);
  }

  @Post('sweep')
  @HttpCode(200)
  @ApiOperation({ summary: 'Re-enqueue stored events that nobody processed (Redis was down, a worker died) now' })
  sweep(@Body() dto: SweepDto) {
    return this.maintenance.sweep(dto);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One stored event with its payload' })
  get(@Param('id') id: string) {
    return this.events.get(id);
  }

  @Post(':id/replay')
  @HttpCode(202)
  @ApiOperation({ summary: 'Put a failed (or ignored) event back on the queue; 409 if it was already processed' })
  replay(@Param('id') id: string) {
    return this.events.replay(id);
  }
}
