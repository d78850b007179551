import { CanActivate, ExecutionContext, Inject, Injectable, Logger, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type Redis from 'ioredis';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/env.schema';
import { serviceUnavailable, tooManyRequests } from '../errors/app-error';
import { REDIS, redisReady } from '../redis/redis.module';

const FAIL_OPEN = 'rateLimitFailOpen';
/** How long a counter update may take before the store counts as unreachable. */
const STORE_TIMEOUT_MS = 1000;

/**
 * Marks a rate-limited route as one that stays open while the counter store (Redis) is unreachable. Without it
 * (login, register: the routes a password-guessing attack goes through) the guard fails closed.
 */
export const RateLimitFailOpen = () => SetMetadata(FAIL_OPEN, true);

/**
 * Fixed-window rate limit per client IP and route, counted in Redis so that several instances share it.
 * (@nestjs/throttler has no release for NestJS 12 yet.) While Redis is unreachable it fails CLOSED: 503
 * SERVICE_UNAVAILABLE at once (an unlimited login endpoint is a password-guessing oracle), unless the route is
 * marked @RateLimitFailOpen(). Every other route has no limit and keeps working.
 */
@Injectable()
export class AuthRateLimitGuard implements CanActivate {
  private readonly log = new Logger('RateLimit');
  private warned = false;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly cfg: AppConfig,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest();
    const res = ctx.switchToHttp().getResponse();
    const { points, windowSeconds } = this.cfg.authRateLimit;
    const window = Math.floor(Date.now() / 1000 / windowSeconds);
    const key = `${this.cfg.queuePrefix}:ratelimit:${req.route?.path ?? req.path}:${req.ip}:${window}`;
    let count: number;
    try {
      // not connected: do not wait for a reconnection
      if (!redisReady(this.redis)) throw new Error(`Redis is ${this.redis.status}`);
      const r = await Promise.race([
        this.redis
          .multi()
          .incr(key)
          .expire(key, windowSeconds + 1)
          .exec(),
        new Promise<never>((_, rej) => setTimeout(() => rej(new Error('Redis timed out')), STORE_TIMEOUT_MS).unref()),
      ]);
      count = Number(r?.[0]?.[1] ?? 0);
      this.warned = false;
    } catch (e) {
      if (this.reflector.getAllAndOverride<boolean>(FAIL_OPEN, [ctx.getHandler(), ctx.getClass()])) return true;
      if (!this.warned) this.log.warn(`rate limit store unreachable (${(e as Error).message}): sign-in and sign-up answer 503 until it is back`);
      this.warned = true;
      res.setHeader('Retry-After', '5');
      throw serviceUnavailable(
        'SERVICE_UNAVAILABLE',
        'Sign-in and sign-up are temporarily unavailable (the rate limiter cannot be reached); try again in a few seconds',
      );
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
