/**
 * What-if benchmark (a script, not a test; not in the default `npm run bench` set):
 *
 *   node scripts/bench.mjs batching
 *
 * How fast can `payment_intent.succeeded` events be APPLIED, one event per transaction (what WebhookProcessor does
 * today: this calls the real `WebhookProcessor.processEvent`) versus several events per transaction (a prototype
 * here, built only from the app's own pieces: the inbox repository's row lock, the registered handlers, markDone)?
 * No HTTP and no Bull: the events are stored in the inbox directly, then BENCH_WORKERS loops (the processor's
 * concurrency, 8) apply them. Each strategy gets its own fresh payments; the final state is verified each time
 * (every payment HELD once, inbox all PROCESSED, ledger invariants clean).
 *
 * The prototype batch: one transaction; per event SAVEPOINT → lock the inbox row (FOR UPDATE SKIP LOCKED) →
 * handlers → mark PROCESSED → RELEASE SAVEPOINT (a failing event is rolled back to its savepoint alone and left
 * RECEIVED for the normal retry path); COMMIT once; then one outbox wake-up.
 *
 * Knobs: BENCH_EVENTS (2000 per strategy), BENCH_WORKERS (8), BENCH_BATCHES ("1,10,50"; 1 = the real processor),
 *   BENCH_PARTIES (200), BENCH_PG_URL, BENCH_REDIS_URL.
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppModule } from '../src/app.module';
import { inTransaction } from '../src/common/database/transaction';
import { loadConfig } from '../src/config/env.schema';
import { LedgerInvariantsService } from '../src/modules/ledger/ledger-invariants.service';
import { OutboxService } from '../src/modules/outbox/outbox.service';
import { WebhookEventRepository } from '../src/modules/webhooks/webhook-event.repository';
import { WebhookHandlerRegistry } from '../src/modules/webhooks/webhook-handler.registry';
import { WebhookProcessor } from '../src/modules/webhooks/webhook.processor';
import { startStripeEmulator, StripeEmulator } from '@collabpay/stripe-emulator';
import {
  BenchDatabase,
  cpuMsByCommand,
  createBenchDatabase,
  dropQueueKeys,
  env,
  logger,
  machineBusyMs,
  machineLine,
  num,
  REDIS_URL,
  runMain,
  secret,
} from './support/bench-kit';
import { seedPendingPayments, succeededEvent } from './support/payment-events';

const TAG = 'batching-bench';
const log = logger(TAG);
const EVENTS = num('BENCH_EVENTS', 2000, 50_000);
const WORKERS = num('BENCH_WORKERS', 8, 64);
const PARTIES = num('BENCH_PARTIES', 200, 10_000);
const BATCHES = (env.BENCH_BATCHES ?? '1,10,50')
  .split(',')
  .map((b) => Math.max(1, Math.min(500, Number(b) || 1)))
  .slice(0, 6);

async function main(): Promise<void> {
  log(`machine: ${machineLine()}`);
  log(`config: ${EVENTS} events per strategy, ${WORKERS} concurrent appliers, batch sizes ${BATCHES.join(', ')} (1 = WebhookProcessor.processEvent as is)`);
  let db: BenchDatabase | undefined;
  let emulator: StripeEmulator | undefined;
  let app: INestApplicationContext | undefined;
  const queuePrefix = `cpbench:batch:${Date.now().toString(36)}${process.pid.toString(36)}`;
  const failures: string[] = [];
  const rates: string[] = [];
  try {
    db = await createBenchDatabase('cp_bench_batch');
    emulator = await startStripeEmulator({ port: 0 });
    const cfg = loadConfig({
      NODE_ENV: 'test',
      DATABASE_URL: db.url,
      REDIS_URL,
      QUEUE_PREFIX: queuePrefix,
      JWT_SECRET: secret('jwt-'),
      STRIPE_SECRET_KEY: emulator.secretKey,
      STRIPE_PUBLISHABLE_KEY: emulator.publishableKey,
      STRIPE_WEBHOOK_SECRET: secret('whsec_'),
      STRIPE_API_BASE: emulator.url,
      RUN_WORKER: 'false', // nothing consumes the queue: this bench applies the events itself
      RUN_SCHEDULERS: 'false',
      LOG_LEVEL: 'error',
      SERVE_SPA: 'false',
    });
    app = await NestFactory.createApplicationContext(AppModule.forRoot(cfg), { logger: ['error'] });
    await app.init();
    const ds = app.get(DataSource);
    const processor = app.get(WebhookProcessor);
    const registry = app.get(WebhookHandlerRegistry);
    const inbox = app.get(WebhookEventRepository);
    const outbox = app.get(OutboxService);
    const invariants = app.get(LedgerInvariantsService);

    const applyBatch = async (ids: string[]): Promise<number> => {
      let failed = 0;
      await inTransaction(ds, async (em) => {
        for (const [i, id] of ids.entries()) {
          await em.query(`SAVEPOINT ev${i}`);
          try {
            const row = await inbox.lockForProcessing(em, id);
            if (!row || row.status !== 'RECEIVED') {
              await em.query(`RELEASE SAVEPOINT ev${i}`);
              continue;
            }
            let applied = false;
            for (const h of registry.handlersFor(row.type)) if ((await h(row.payload, em)) !== 'ignored') applied = true;
            await inbox.markDone(em, id, applied ? 'PROCESSED' : 'IGNORED');
            await em.query(`RELEASE SAVEPOINT ev${i}`);
          } catch {
            failed++;
            await em.query(`ROLLBACK TO SAVEPOINT ev${i}`);
          }
        }
      });
      outbox.notifyCommitted();
      return failed;
    };

    for (const batch of BATCHES) {
      const seeded = await seedPendingPayments(ds, { count: EVENTS, parties: PARTIES, seed: 7 + batch });
      const events = seeded.map(succeededEvent);
      for (let i = 0; i < events.length; i += 500) {
        await inbox.insertMany(
          events.slice(i, i + 500).map((e) => ({
            id: e.id,
            type: 'payment_intent.succeeded',
            account: null,
            livemode: false,
            created: Math.floor(Date.now() / 1000),
            payload: e.payload,
            source: 'webhook' as const,
          })),
        );
      }
      const ids = events.map((e) => e.id);
      let next = 0;
      let failed = 0;
      const busy0 = machineBusyMs();
      const self0 = process.cpuUsage();
      const pg0 = cpuMsByCommand(['postgres']).postgres;
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: WORKERS }, async () => {
          while (next < ids.length) {
            const mine = ids.slice(next, next + batch);
            next += mine.length;
            if (batch === 1) {
              const outcome = await processor.processEvent(mine[0]).catch(() => 'error');
              if (outcome !== 'processed') failed++;
            } else failed += await applyBatch(mine);
          }
        }),
      );
      const seconds = (performance.now() - t0) / 1000;
      const cores = (machineBusyMs() - busy0) / 1000 / seconds;
      const selfCpu = process.cpuUsage(self0);
      const nodeMsPerEvent = (selfCpu.user + selfCpu.system) / 1000 / EVENTS;
      const pgMsPerEvent = (cpuMsByCommand(['postgres']).postgres - pg0) / EVENTS;
      const [st] = await ds.query(
        `SELECT count(*) FILTER (WHERE p.status = 'HELD')::int AS held,
                (SELECT count(*)::int FROM webhook_events WHERE id = ANY($2) AND status = 'PROCESSED') AS processed,
                (SELECT count(*)::int FROM journal_entries WHERE type = 'payment_held' AND reference_id = ANY($3)) AS entries
         FROM payments p WHERE p.id = ANY($1)`,
        [seeded.map((s) => s.paymentId), ids, seeded.map((s) => s.paymentId)],
      );
      const report = await invariants.check();
      const ok = st.held === EVENTS && st.processed === EVENTS && st.entries === EVENTS && report.ok && failed === 0;
      if (!ok)
        failures.push(
          `batch ${batch}: held ${st.held}, processed ${st.processed}, entries ${st.entries}, failed ${failed}, ledger ${report.ok ? 'clean' : 'BROKEN'}`,
        );
      const rate = EVENTS / seconds;
      rates.push(`${batch === 1 ? 'per event' : `batch ${batch}`} ${rate.toFixed(0)}/s`);
      log(
        `${batch === 1 ? 'one event per transaction (WebhookProcessor.processEvent)' : `${batch} events per transaction (prototype)`}: ` +
          `${EVENTS} events in ${seconds.toFixed(2)} s = ${rate.toFixed(0)} events/s (machine ${cores.toFixed(2)} of 2 cores busy; ` +
          `CPU per event: Node ${nodeMsPerEvent.toFixed(2)} ms, PostgreSQL ${pgMsPerEvent.toFixed(2)} ms); ` +
          `${st.held} HELD, ${st.entries} entries, ledger ${report.ok ? 'clean' : 'BROKEN'}${failed ? `, ${failed} failed` : ''}`,
      );
    }
    log(`SUMMARY: apply rate with ${WORKERS} appliers: ${rates.join(', ')}; final state ${failures.length ? 'WRONG' : 'exact'}`);
    for (const f of failures) log(`  ✗ ${f}`);
  } finally {
    await app?.close().catch(() => undefined);
    await emulator?.close();
    await db?.drop().catch((e) => log(`could not drop ${db?.name}: ${(e as Error).message}`));
    await dropQueueKeys(queuePrefix).catch(() => undefined);
  }
  if (failures.length) throw new Error('final state check failed');
}

runMain(TAG, main);
