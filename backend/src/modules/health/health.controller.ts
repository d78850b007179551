import { getQueueToken } from '@nestjs/bull';
import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Queue } from 'bull';
import type { Response } from 'express';
import type Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { Public } from '../../common/auth/decorators';
import { QUEUES } from '../../common/queue/queue.module';
import { REDIS, redisReady } from '../../common/redis/redis.module';

type Status = { status: 'up' | 'down'; error?: string; [k: string]: unknown };

const withTimeout = <T>(p: Promise<T>, ms: number): Promise<T> =>
  Promise.race([p, new Promise<T>((_, rej) => setTimeout(() => rej(new Error(`timed out after ${ms} ms`)), ms).unref())]);

@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    private readonly ds: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(getQueueToken(QUEUES.webhooks)) private readonly queue: Queue,
  ) {}

  @Public()
  @Get()
  async health(@Res({ passthrough: true }) res: Response) {
    const check = async (f: () => Promise<Record<string, unknown> | void>): Promise<Status> => {
      try {
        return { status: 'up', ...((await withTimeout(f(), 2000)) ?? {}) };
      } catch (e) {
        return { status: 'down', error: (e as Error).message };
      }
    };
    const [database, redis, queue] = await Promise.all([
      check(async () => {
        await this.ds.query('SELECT 1');
      }),
      // a client that is reconnecting answers "down" at once instead of queueing the check until it gives up
      check(async () => {
        if (!redisReady(this.redis)) throw new Error(`Redis is ${this.redis.status}`);
        await this.redis.ping();
      }),
      check(async () => {
        if (!redisReady(this.queue.client)) throw new Error(`the queue's Redis connection is ${this.queue.client.status}`);
        const counts = await this.queue.getJobCounts();
        return { name: this.queue.name, ...counts };
      }),
    ]);
    const ok = [database, redis, queue].every((s) => s.status === 'up');
    res.status(ok ? 200 : 503);
    return { status: ok ? 'ok' : 'error', info: { database, redis, queue } };
  }
}
