/**
 * The plain reference for the ingest benchmark: a Stripe webhook endpoint built the way most NestJS Stripe
 * integrations are (NestJS docs + Stripe docs): `rawBody: true`, `stripe.webhooks.constructEvent` on the raw body
 * with the endpoint secret, and a Bull job added with job id = event id so a redelivery is a no-op. No database:
 * the event lives only in Redis until a worker takes it (not durable against a Redis loss, which is the point of
 * comparison: CollabPay commits every event to its PostgreSQL inbox before answering 2xx).
 */
import 'reflect-metadata';
import { BullModule, InjectQueue } from '@nestjs/bull';
import { BadRequestException, Controller, DynamicModule, Headers, HttpCode, Inject, Module, Post, Req } from '@nestjs/common';
import type { RawBodyRequest } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Queue } from 'bull';
import type { Request } from 'express';
import Stripe from 'stripe';

export const PLAIN_QUEUE = 'stripe-events';

export interface PlainWebhookConfig {
  redisUrl: string;
  /** Bull key prefix (a bench or test run keeps its keys apart). */
  queuePrefix: string;
  webhookSecret: string;
}

const CONFIG = Symbol('PLAIN_WEBHOOK_CONFIG');
const stripe = new Stripe('sk_test_plain_reference'); // only its webhook helpers are used: no API call

@Controller('payments')
class PlainWebhookController {
  constructor(
    @InjectQueue(PLAIN_QUEUE) private readonly queue: Queue,
    @Inject(CONFIG) private readonly cfg: PlainWebhookConfig,
  ) {}

  @Post('webhook')
  @HttpCode(200)
  async receive(@Req() req: RawBodyRequest<Request>, @Headers('stripe-signature') signature: string) {
    let event: Stripe.Event;
    try {
      event = stripe.webhooks.constructEvent(req.rawBody!, signature, this.cfg.webhookSecret);
    } catch (e) {
      throw new BadRequestException(`Webhook Error: ${(e as Error).message}`);
    }
    await this.queue.add(event, { jobId: event.id });
    return { received: true };
  }
}

@Module({})
class PlainWebhookModule {
  static forRoot(cfg: PlainWebhookConfig): DynamicModule {
    return {
      module: PlainWebhookModule,
      imports: [BullModule.forRoot({ url: cfg.redisUrl, prefix: cfg.queuePrefix }), BullModule.registerQueue({ name: PLAIN_QUEUE })],
      controllers: [PlainWebhookController],
      providers: [{ provide: CONFIG, useValue: cfg }],
    };
  }
}

/** The reference app, not listening yet (POST /api/payments/webhook). */
export async function createPlainWebhookApp(cfg: PlainWebhookConfig): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(PlainWebhookModule.forRoot(cfg), { rawBody: true, logger: ['error', 'warn'] });
  app.setGlobalPrefix('api');
  return app;
}
