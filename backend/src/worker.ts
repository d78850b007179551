import 'reflect-metadata';
import { DynamicModule, INestApplicationContext, Logger, Module, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { createLogger } from './common/logging/logger';
import { AppConfig, ConfigError, loadConfig } from './config/env.schema';
import { WebhookProcessor } from './modules/webhooks/webhook.processor';
import { startDevServices } from './runtime/dev-services';
import { installProcessGuards } from './runtime/process-guards';

@Module({})
class WorkerModule {}

/**
 * A queue worker: the whole application context (so every domain module registers its webhook handlers and
 * queue processors) without HTTP. Run as many as you like next to the API (`npm run worker`); API instances can
 * then set RUN_WORKER=false. `extraModules` lets tests add modules (e.g. test handlers) before consumption starts.
 */
export async function startWorker(cfg: AppConfig, extraModules: Array<Type | DynamicModule> = []): Promise<INestApplicationContext> {
  const config: AppConfig = { ...cfg, runWorker: true };
  const root: DynamicModule = { module: WorkerModule, imports: [AppModule.forRoot(config), ...extraModules] };
  const ctx = await NestFactory.createApplicationContext(root, { logger: createLogger(config), bufferLogs: false });
  if (!ctx.get(WebhookProcessor, { strict: false }).isRunning) throw new Error('the webhook processor did not start');
  return ctx;
}

async function main() {
  installProcessGuards();
  const prod = process.env.NODE_ENV === 'production';
  // outside production, reuse (or start) the same local services `npm start` uses
  const services = prod ? undefined : await startDevServices(process.env, (m) => console.log(`[collabpay-worker] ${m}`));
  let cfg: AppConfig;
  try {
    cfg = loadConfig(process.env);
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`[collabpay-worker] ${e.message}`);
      await services?.stop();
      process.exit(1);
    }
    throw e;
  }
  const ctx = await startWorker(cfg);
  const logger = new Logger('Worker');
  logger.log(`worker ${process.pid} is processing queues (prefix ${cfg.queuePrefix})`);
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.log(`${signal} received: finishing active jobs ...`);
    setTimeout(() => process.exit(1), 15_000).unref();
    try {
      await ctx.close();
      await services?.stop();
    } finally {
      process.exit(0);
    }
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

if (require.main === module) {
  main().catch((e) => {
    console.error('[collabpay-worker] failed to start:', e instanceof Error ? e.message : e);
    if (process.env.DEBUG) console.error(e);
    process.exit(1);
  });
}
