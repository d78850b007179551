import { Global, Module } from '@nestjs/common';
import Stripe from 'stripe';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/env.schema';
import { ConfigController } from './config.controller';

export const STRIPE = Symbol('STRIPE');

/** The only way the server talks to Stripe: the official SDK, pointed at the emulator when STRIPE_API_BASE is set. */
export function createStripeClient(cfg: AppConfig): Stripe {
  const base: Stripe.StripeConfig = { maxNetworkRetries: 2, timeout: 20_000, appInfo: { name: 'CollabPay', version: '0.1.0' } };
  if (cfg.stripe.apiBase) {
    const u = new URL(cfg.stripe.apiBase);
    return new Stripe(cfg.stripe.secretKey, {
      ...base,
      host: u.hostname,
      port: Number(u.port || (u.protocol === 'https:' ? 443 : 80)),
      protocol: u.protocol.replace(':', '') as 'http' | 'https',
    });
  }
  return new Stripe(cfg.stripe.secretKey, base);
}

@Global()
@Module({
  controllers: [ConfigController],
  providers: [{ provide: STRIPE, inject: [APP_CONFIG], useFactory: createStripeClient }],
  exports: [STRIPE],
})
export class StripeModule {}
