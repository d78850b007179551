import { Controller, HttpCode, Post, Req } from '@nestjs/common';
import type { RawBodyRequest } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { Public } from '../../common/auth/decorators';
import { WebhookIngestService } from './webhook-ingest.service';

@ApiTags('webhooks')
@Controller('payments')
export class WebhooksController {
  constructor(private readonly ingest: WebhookIngestService) {}

  @Public()
  @Post('webhook')
  @HttpCode(200)
  @ApiOperation({ summary: 'Stripe webhook endpoint (platform and Connect events). Answers once the event is stored; processing is queued.' })
  @ApiHeader({ name: 'Stripe-Signature', required: true })
  @ApiOkResponse({ schema: { example: { received: true, eventType: 'payment_intent.succeeded', duplicate: false } } })
  async receive(@Req() req: RawBodyRequest<Request>) {
    // the ordinary delivery is answered by the lean route (webhook-raw-route.ts) before it gets here
    const r = await this.ingest.ingest(req.rawBody, req.headersDistinct['stripe-signature']);
    return { received: r.received, eventType: r.eventType, duplicate: !r.stored };
  }
}
