/**
 * The server (or a queue worker) of a benchmark, in its own process: `fork(serve.js, ['api' | 'worker' | 'reference'])` with
 * BENCH_SERVER_CONFIG = the environment for loadConfig as JSON. Answers `{type:'ready', port}` once listening and
 * `{type:'mem'}` after a forced GC on `{type:'gc'}`. Stops on SIGTERM or when the parent goes away.
 */
import 'reflect-metadata';
import type { INestApplicationContext } from '@nestjs/common';
import { createApp } from '../../src/app.factory';
import { loadConfig } from '../../src/config/env.schema';
import { startWorker } from '../../src/worker';
import { createPlainWebhookApp } from '../reference/plain-webhook-app';

async function serve(): Promise<void> {
  const role = process.argv[2] === 'worker' || process.argv[2] === 'reference' ? process.argv[2] : 'api';
  const raw = JSON.parse(process.env.BENCH_SERVER_CONFIG ?? '{}') as Record<string, string>;
  let ctx: INestApplicationContext;
  let port = 0;
  if (role === 'worker') ctx = await startWorker(loadConfig(raw));
  else {
    const app =
      role === 'reference'
        ? await createPlainWebhookApp({ redisUrl: raw.REDIS_URL, queuePrefix: raw.QUEUE_PREFIX, webhookSecret: raw.STRIPE_WEBHOOK_SECRET })
        : await createApp(loadConfig(raw));
    await app.listen(0, '127.0.0.1');
    port = (app.getHttpServer().address() as { port: number }).port;
    ctx = app;
  }
  process.on('message', (m: { type: string }) => {
    if (m.type === 'gc') {
      (globalThis as { gc?: () => void }).gc?.();
      process.send?.({ type: 'mem', mem: process.memoryUsage() });
    }
  });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => process.exit(1), 12_000).unref();
    await ctx.close().catch(() => undefined);
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('disconnect', () => void stop());
  process.send?.({ type: 'ready', port });
}

serve().catch((e) => {
  console.error(`[bench ${process.env.BENCH_LABEL ?? 'server'}]`, e);
  process.exit(1);
});
