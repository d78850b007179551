import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/env.schema';

export const REDIS = Symbol('REDIS');

export function createRedis(url: string, name: string): Redis {
  return new Redis(url, { connectionName: `collabpay:${name}`, maxRetriesPerRequest: 2, enableOfflineQueue: true, lazyConnect: false });
}

/** A shared general-purpose Redis client (rate limits, health). Bull and Socket.io make their own. */
@Global()
@Module({
  providers: [{ provide: REDIS, inject: [APP_CONFIG], useFactory: (cfg: AppConfig) => createRedis(cfg.redisUrl, 'app') }],
  exports: [REDIS],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}
  async onApplicationShutdown() {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
