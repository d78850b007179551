import { Controller, Get, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Public } from '../../common/auth/decorators';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/env.schema';

@ApiTags('operations')
@Controller('config')
export class ConfigController {
  constructor(@Inject(APP_CONFIG) private readonly cfg: AppConfig) {}

  /** What the SPA needs to load Stripe.js (or the emulator's stand-in), and the fee rate a proposal made now is fixed at. */
  @Public()
  @Get()
  get() {
    const s = this.cfg.stripe;
    return {
      publishableKey: s.publishableKey,
      stripeMode: s.mode,
      platformFeeBps: this.cfg.platformFeeBps,
      ...(s.mode === 'emulator' ? { stripeApiBase: process.env.STRIPE_PUBLIC_API_BASE || s.apiBase, stripeJsUrl: s.stripeJsUrl } : {}),
    };
  }
}
