import type { Logger } from '@nestjs/common';
import { createAdapter, createShardedAdapter } from '@socket.io/redis-adapter';
import type Redis from 'ioredis';
import type { Server } from 'socket.io';
import { createRedis } from '../../common/redis/redis.module';
import type { AppConfig } from '../../config/env.schema';

type Command = (...args: unknown[]) => Promise<unknown>;

/**
 * Makes `client[method]` never reject: a failure is logged (once per outage) and answered with `fallback`. The
 * adapters fire and forget these calls (a rejected one was an unhandled rejection that took the process down).
 */
export function guardCommand(client: Redis, method: 'publish' | 'spublish' | 'ssubscribe' | 'sunsubscribe', log: Logger, what: string): Redis {
  const target = client as unknown as Record<string, Command>;
  const call = target[method].bind(client);
  let failing = false;
  client.on('ready', () => (failing = false));
  target[method] = (...args: unknown[]) =>
    call(...args).catch((e: Error) => {
      if (!failing) log.warn(`${what} while Redis is unavailable (${e.message})`);
      failing = true;
      return 0;
    });
  return client;
}

/** Makes `publish` never reject (the classic adapter). */
export const guardPublish = (pub: Redis, log: Logger): Redis => guardCommand(pub, 'publish', log, 'realtime events are not shared with other instances');

/**
 * Installs the Socket.io Redis adapter chosen by SOCKET_ADAPTER and returns its two Redis clients (closed by the
 * caller at shutdown). Either way, while Redis is away emits still reach this instance's sockets; what the other
 * instances miss, their clients get back with `sync` once they reconnect.
 *
 * - `sharded` (default): Redis 7 sharded pub/sub, one channel per room (`subscriptionMode: 'dynamic'`): an emit to
 *   `user:<id>` is SPUBLISHed on that room's channel, which only instances with a socket in the room SSUBSCRIBE to,
 *   so an instance receives only the events of its own users. This adapter delivers to local sockets after the
 *   publish settles, so the publisher fails at once and drops what it had in flight when the connection goes
 *   (no offline queue, no retries): publishes settle in the order they were made, and local sockets keep
 *   receiving a user's events in seq order. The subscriber queues (un)subscriptions while Redis is away and
 *   re-subscribes every room on reconnect.
 * - `classic`: one channel for the namespace; every emit reaches every instance.
 */
export function installSocketAdapter(server: Server, cfg: AppConfig, log: Logger): { pub: Redis; sub: Redis } {
  const key = `${cfg.queuePrefix}:socket.io`;
  if (cfg.realtime.socketAdapter === 'classic') {
    const pub = createRedis(cfg.redisUrl, 'socket.io-pub', { offlineQueue: false });
    const sub = createRedis(cfg.redisUrl, 'socket.io-sub');
    server.adapter(createAdapter(guardPublish(pub, log), sub, { key }));
    return { pub, sub };
  }
  // auto-pipelining: the SPUBLISHes of one relay step (one per row, all in the same tick) go out in one write
  // instead of one write each (in the webhook bench that was half of the API process's CPU while applying);
  // replies still settle in order
  const pub = createRedis(cfg.redisUrl, 'socket.io-pub', {
    offlineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    enableAutoPipelining: true,
  });
  const sub = createRedis(cfg.redisUrl, 'socket.io-sub', { maxRetriesPerRequest: null });
  guardCommand(pub, 'spublish', log, 'realtime events are not shared with other instances');
  guardCommand(sub, 'ssubscribe', log, 'could not subscribe to a room');
  guardCommand(sub, 'sunsubscribe', log, 'could not unsubscribe from a room');
  server.adapter(createShardedAdapter(pub, sub, { channelPrefix: key, subscriptionMode: 'dynamic' }));
  return { pub, sub };
}
