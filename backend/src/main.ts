import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import type { Server } from 'node:http';
import { createApp } from './app.factory';
import { ConfigError, loadConfig } from './config/env.schema';
import { seedDemo } from './runtime/seed';
import { startDevServices } from './runtime/dev-services';
import { installProcessGuards } from './runtime/process-guards';

async function main() {
  // before anything connects: a dependency outage must never take the process down (see process-guards.ts)
  installProcessGuards();
  const log = (m: string) => console.log(`[collabpay] ${m}`);
  const prod = process.env.NODE_ENV === 'production';
  // Local services are only auto-started outside production; production must configure them.
  const services = prod ? undefined : await startDevServices(process.env, log);
  let cfg;
  try {
    cfg = loadConfig(process.env);
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`[collabpay] ${e.message}`);
      await services?.stop();
      process.exit(1);
    }
    throw e;
  }
  const app = await createApp(cfg);
  const logger = new Logger('Bootstrap');
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.log(`${signal} received: draining HTTP, queue and sockets ...`);
    const force = setTimeout(() => {
      logger.error('graceful shutdown did not finish within 15 s: exiting now');
      process.exit(1);
    }, 15_000);
    force.unref();
    let code = 0;
    try {
      // Stop accepting connections at once; the requests in flight go on. app.close() then lets the queue finish
      // its active jobs, disconnects the sockets, waits for those requests and closes Bull, Redis and the database.
      (app.getHttpServer() as Server).close();
      await app.close();
      await services?.stop();
      logger.log('shutdown complete');
    } catch (e) {
      logger.error(`shutdown failed: ${e instanceof Error ? e.message : String(e)}`);
      code = 1;
    }
    process.exit(code);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));

  await app.listen(cfg.port, cfg.host);
  if (!prod && process.env.SEED_DEMO !== 'false') {
    const demo = await seedDemo(app);
    log('Demo accounts (password for all: ' + demo.password + '):');
    for (const u of demo.users) log(`  ${u.role.padEnd(10)} ${u.email}`);
  }
  for (const n of services?.notes ?? []) log(n);
  log(`CollabPay is running: open ${cfg.publicUrl}  (API ${cfg.publicUrl}/api, docs ${cfg.publicUrl}/api/docs)`);
}

function run() {
  main().catch((e) => {
    console.error('[collabpay] failed to start:', e instanceof Error ? e.message : e);
    if (process.env.DEBUG) console.error(e);
    process.exit(1);
  });
}

if (process.env.COLLABPAY_STANDBY === 'true' && process.send) {
  // A standby of `npm start`'s supervisor: its code is loaded (the slow part of a start on a busy machine) and it
  // waits, connected to nothing, until the running server dies and the supervisor says 'start'.
  const leave = () => process.exit(0); // the supervisor went away
  process.once('disconnect', leave);
  process.on('message', (m) => {
    if (m !== 'start') return;
    process.off('disconnect', leave);
    process.channel?.unref();
    run();
  });
} else {
  run();
}
