import { Global, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis, { RedisOptions } from 'ioredis';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/env.schema';

export const REDIS = Symbol('REDIS');

/** Reconnect delay while Redis is away: grows to at most 1 s, so a returning Redis is picked up within a second. */
export const redisRetryStrategy = (times: number): number => Math.min(50 * 2 ** Math.min(times, 10), 1000);

const log = new Logger('Redis');

/**
 * Logs a client's connection errors once per outage (not once per reconnect attempt) and its recovery. Every
 * Redis client of the app gets this, so none emits an unhandled 'error' (ioredis would print each one).
 */
export function watchRedis(client: Redis, name: string): Redis {
  let down = false;
  client.on('error', (e: Error) => {
    if (down) return;
    down = true;
    log.warn(`redis (${name}) unreachable: ${e.message}; retrying every second`);
  });
  client.on('ready', () => {
    if (!down) return;
    down = false;
    log.log(`redis (${name}) is back`);
  });
  return client;
}

/**
 * A general-purpose client. `offlineQueue: false` makes commands fail at once while disconnected instead of
 * waiting for a reconnection (the Socket.io publisher: a realtime event is not worth queueing; clients resync).
 */
export function createRedis(url: string, name: string, opts: { offlineQueue?: boolean } & Partial<RedisOptions> = {}): Redis {
  const { offlineQueue = true, ...rest } = opts;
  return watchRedis(
    new Redis(url, {
      connectionName: `collabpay:${name}`,
      maxRetriesPerRequest: 2,
      enableOfflineQueue: offlineQueue,
      lazyConnect: false,
      retryStrategy: redisRetryStrategy,
      ...rest,
    }),
    name,
  );
}

/** Whether the client can run a command right now (false while it is connecting or reconnecting). */
export const redisReady = (client: Redis): boolean => client.status === 'ready';

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
