import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/env.schema';
import { tooManyRequests } from '../errors/app-error';
import { REDIS } from '../redis/redis.module';

/**
 * Fixed-window rate limit per client IP and route, counted in Redis so that several instances share it.
 * (@nestjs/throttler has no release for NestJS 12 yet.) Fails open if Redis is unreachable: auth keeps working.
 */
@Injectable()
export class AuthRateLimitGuard implements CanActivate {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly cfg: AppConfig,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest();
    const res = ctx.switchToHttp().getResponse();
    const { points, windowSeconds } = this.cfg.authRateLimit;
    const window = Math.floor(Date.now() / 1000 / windowSeconds);
    const key = `${this.cfg.queuePrefix}:ratelimit:${req.route?.path ?? req.path}:${req.ip}:${window}`;
    let count: number;
    try {
      const r = await this.redis
        .multi()
        .incr(key)
        .expire(key, windowSeconds + 1)
        .exec();
      count = Number(r?.[0]?.[1] ?? 0);
    } catch {
      return true;
    }
    res.setHeader('RateLimit-Limit', String(points));
    res.setHeader('RateLimit-Remaining', String(Math.max(0, points - count)));
    if (count > points) {
      res.setHeader('Retry-After', String(windowSeconds - (Math.floor(Date.now() / 1000) % windowSeconds)));
      throw tooManyRequests('Too many attempts; try again later');
    }
    return true;
  }
}
