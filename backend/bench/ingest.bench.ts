/**
 * Webhook ingest: CollabPay's endpoint against the plain reference (a script, not a test).
 *
 *   node scripts/bench.mjs ingest          (from the repository root; compiles backend/bench first)
 *
 * The plain reference (bench/reference/plain-webhook-app.ts) is how most NestJS Stripe integrations are built:
 * rawBody, stripe.webhooks.constructEvent, a Bull job with job id = event id, no database. CollabPay's endpoint
 * also commits every event to its PostgreSQL inbox (webhook_events) before it answers 2xx.
 *
 * Ours runs in its production shape for ingest: an API process with RUN_WORKER=false and no worker running, so
 * its jobs wait in Redis like the reference's (nothing applies them during the bench). Both servers run in their
 * own processes at the same time, each with its own Bull prefix, and are measured alternately: per round the same
 * BENCH_EVENTS freshly signed `payment_intent.succeeded` events (new ids each round) are POSTed by
 * BENCH_CONCURRENCY keep-alive clients, to the reference and to ours (which goes first alternates by round).
 * Prints events/s and latency p50/p99 per round, the ratio ours/plain per round and of the medians, and checks
 * that every event landed: a row in our inbox, a Bull job in each queue.
 *
 * Knobs: BENCH_EVENTS (3000), BENCH_CONCURRENCY (32), BENCH_ROUNDS (3), BENCH_WARMUP (500), BENCH_PG_URL,
 *   BENCH_REDIS_URL, BENCH_CPU_PROF=<dir> (V8 CPU profiles of both servers).
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import Bull from 'bull';
import Stripe from 'stripe';
import { DataSource } from 'typeorm';
import { QUEUES } from '../src/common/queue/queue.module';
import { createDataSource } from '../src/database/data-source';
import { startStripeEmulator, StripeEmulator } from '@collabpay/stripe-emulator';
import { PLAIN_QUEUE } from './reference/plain-webhook-app';
import {
  BenchDatabase,
  cpuMsByCommand,
  cpuMsOf,
  createBenchDatabase,
  dropQueueKeys,
  KeepAliveClient,
  logger,
  machineBusyMs,
  machineLine,
  ms,
  num,
  percentile,
  pool,
  REDIS_URL,
  runMain,
  secret,
  ServerChild,
  startServer,
} from './support/bench-kit';
import { stripeFee, succeededEvent } from './support/payment-events';

const TAG = 'ingest-bench';
const log = logger(TAG);
const EVENTS = num('BENCH_EVENTS', 3000, 100_000);
const CONCURRENCY = num('BENCH_CONCURRENCY', 32, 512);
const ROUNDS = num('BENCH_ROUNDS', 3, 20);
const WARMUP = num('BENCH_WARMUP', 500, 10_000, 0);

const signer = new Stripe('sk_test_bench_signer');

interface Target {
  name: 'plain' | 'ours';
  server: ServerChild;
  client: KeepAliveClient;
  secret: string;
  results: RoundResult[];
}

interface RoundResult {
  rate: number;
  p50: number;
  p99: number;
  cores: number;
  /** the server process's CPU per event (ms): less sensitive to a busy machine than the rate */
  cpuMs: number;
}

/** n `payment_intent.succeeded` events with fresh ids (what Stripe sends; the ids need no seeded payment here). */
function makeEvents(n: number): string[] {
  return Array.from({ length: n }, () => {
    const amount = 1000 + Math.floor(Math.random() * 100_000);
    return succeededEvent({
      paymentId: randomUUID(),
      collaborationId: randomUUID(),
      intentId: `pi_bench_${randomUUID().replace(/-/g, '')}`,
      amount,
      fee: stripeFee(amount),
    }).payload;
  });
}

/** POSTs every payload once (signed just before sending); returns the rate and latencies of the 200s. */
async function deliver(t: Target, payloads: string[]): Promise<RoundResult & { failed: string[] }> {
  const signed = payloads.map((payload) => ({
    body: Buffer.from(payload),
    signature: signer.webhooks.generateTestHeaderString({ payload, secret: t.secret }),
  }));
  const cpu0 = cpuMsOf(t.server.pid);
  const t0 = performance.now();
  const answers = await pool(signed, CONCURRENCY, async (d) => {
    try {
      const r = await t.client.request('POST', '/api/payments/webhook', d.body, {
        'content-type': 'application/json; charset=utf-8',
        'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
        'stripe-signature': d.signature,
      });
      return { ok: r.status === 200, ms: r.ms, error: r.status === 200 ? '' : `${r.status} ${r.body.slice(0, 200)}` };
    } catch (e) {
      return { ok: false, ms: NaN, error: (e as Error).message };
    }
  });
  const seconds = (performance.now() - t0) / 1000;
  const cpuMs = cpuMsOf(t.server.pid) - cpu0;
  const lat = answers
    .filter((a) => a.ok)
    .map((a) => a.ms)
    .sort((a, b) => a - b);
  return {
    rate: payloads.length / seconds,
    p50: percentile(lat, 50),
    p99: percentile(lat, 99),
    cores: cpuMs / 1000 / seconds,
    cpuMs: cpuMs / payloads.length,
    failed: answers.filter((a) => !a.ok).map((a) => a.error),
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  log(`machine: ${machineLine()}`);
  log(
    `config: ${ROUNDS} rounds × ${EVENTS} events per server (fresh ids each round, no duplicates), ${CONCURRENCY} keep-alive clients, ` +
      `warm-up ${WARMUP} events each; ours = API process only (RUN_WORKER=false, no worker running: jobs wait in Redis, as the reference's do)`,
  );
  let db: BenchDatabase | undefined;
  let emulator: StripeEmulator | undefined;
  let ds: DataSource | undefined;
  const targets: Target[] = [];
  const servers: ServerChild[] = [];
  const stamp = `${Date.now().toString(36)}${process.pid.toString(36)}`;
  const prefixes = { ours: `cpbench:ingest:ours:${stamp}`, plain: `cpbench:ingest:plain:${stamp}` };
  const failures: string[] = [];
  let summary: string;
  try {
    db = await createBenchDatabase('cp_bench_ingest');
    emulator = await startStripeEmulator({ port: 0 });
    const oursSecret = secret('whsec_bench_');
    const plainSecret = secret('whsec_plain_');
    const ours = await startServer({
      label: 'ours',
      role: 'api',
      config: {
        NODE_ENV: 'test',
        HOST: '127.0.0.1',
        PORT: '0',
        DATABASE_URL: db.url,
        REDIS_URL,
        QUEUE_PREFIX: prefixes.ours,
        JWT_SECRET: secret('jwt-'),
        STRIPE_SECRET_KEY: emulator.secretKey,
        STRIPE_PUBLISHABLE_KEY: emulator.publishableKey,
        STRIPE_WEBHOOK_SECRET: oursSecret,
        STRIPE_CONNECT_WEBHOOK_SECRET: secret('whsec_connect_'),
        STRIPE_API_BASE: emulator.url,
        WEBHOOK_SWEEP_INTERVAL_MS: '0',
        WEBHOOK_RECONCILE_INTERVAL_MS: '0',
        PAYOUT_RECONCILE_INTERVAL_MS: '0',
        LOG_LEVEL: 'error',
        SERVE_SPA: 'false',
        RUN_WORKER: 'false',
      },
    });
    servers.push(ours);
    const plain = await startServer({
      label: 'plain',
      role: 'reference',
      config: { REDIS_URL, QUEUE_PREFIX: prefixes.plain, STRIPE_WEBHOOK_SECRET: plainSecret },
    });
    servers.push(plain);
    targets.push(
      { name: 'plain', server: plain, client: new KeepAliveClient(plain.url, CONCURRENCY), secret: plainSecret, results: [] },
      { name: 'ours', server: ours, client: new KeepAliveClient(ours.url, CONCURRENCY), secret: oursSecret, results: [] },
    );
    log(`servers: plain reference ${plain.url} (pid ${plain.pid}), ours ${ours.url} (pid ${ours.pid}, migrated)`);
    ds = createDataSource(db.url);
    await ds.initialize();

    if (WARMUP) {
      const warm = makeEvents(WARMUP);
      for (const t of targets) {
        const r = await deliver(t, warm);
        if (r.failed.length) throw new Error(`warm-up of ${t.name}: ${r.failed.length} deliveries failed, e.g. ${r.failed[0]}`);
      }
      log(`warm-up: ${WARMUP} events to each`);
    }

    for (let round = 1; round <= ROUNDS; round++) {
      const payloads = makeEvents(EVENTS);
      const order = round % 2 ? targets : [...targets].reverse();
      for (const t of order) {
        const services0 = cpuMsByCommand(['postgres', 'redis-server']);
        const machine0 = machineBusyMs();
        const t0 = performance.now();
        const r = await deliver(t, payloads);
        const wall = (performance.now() - t0) / 1000;
        const services = cpuMsByCommand(['postgres', 'redis-server']);
        if (r.failed.length) failures.push(`${t.name} round ${round}: ${r.failed.length} deliveries not 200, e.g. ${r.failed[0]}`);
        t.results.push(r);
        const cores = (v: number) => (v / 1000 / wall).toFixed(2);
        log(
          `round ${round} ${t.name.padEnd(5)}: ${EVENTS} events in ${wall.toFixed(2)} s = ${r.rate.toFixed(0)} events/s; ` +
            `p50 ${ms(r.p50)}  p99 ${ms(r.p99)}; cores busy: machine ${cores(machineBusyMs() - machine0)} of 2, server ${r.cores.toFixed(2)} (${r.cpuMs.toFixed(2)} ms CPU per event), ` +
            `PostgreSQL (whole server, shared) ${cores(services.postgres - services0.postgres)}, Redis ${cores(services['redis-server'] - services0['redis-server'])}`,
        );
      }
      const [p, o] = targets.map((t) => t.results[round - 1]);
      log(`round ${round} ours/plain = ${(o.rate / p.rate).toFixed(2)}× (server CPU per event ${(o.cpuMs / p.cpuMs).toFixed(2)}×)`);
    }

    // ---- every event landed: a row in our inbox (durable), a Bull job in each queue
    const expected = WARMUP + ROUNDS * EVENTS;
    const [{ n: rows }] = await ds.query(`SELECT count(*)::int AS n FROM webhook_events`);
    if (rows !== expected) failures.push(`our inbox holds ${rows} events, expected ${expected}`);
    for (const [name, queueName, prefix] of [
      ['ours', QUEUES.webhooks, prefixes.ours],
      ['plain', PLAIN_QUEUE, prefixes.plain],
    ] as const) {
      const q = new Bull(queueName, REDIS_URL, { prefix });
      const jobs = await q.getJobCounts();
      // ours queues one job per ingest flush carrying its event ids (WEBHOOK_FLUSH_JOBS, the default), or one per
      // event; the plain reference one per event: count the distinct events the waiting jobs carry
      const carried = new Set(
        (await q.getWaiting(0, -1)).flatMap((j) => {
          const data = j.data as { eventId?: string; eventIds?: string[] };
          return data.eventIds ?? (data.eventId ? [data.eventId] : [j.id as string]);
        }),
      );
      await q.close();
      if (carried.size !== expected)
        failures.push(`${name}: ${jobs.waiting} jobs waiting in Bull carry ${carried.size} events, expected ${expected} (${JSON.stringify(jobs)})`);
    }
    log(`verify: our inbox ${rows} rows, both queues checked → ${failures.length ? 'FAILED' : 'OK'}`);
    for (const f of failures) log(`  ✗ ${f}`);

    const [p, o] = targets.map((t) => {
      const m = (k: keyof RoundResult) => median(t.results.map((r) => r[k]));
      return { rate: m('rate'), p50: m('p50'), p99: m('p99'), cpuMs: m('cpuMs') };
    });
    summary =
      `ingest ours ${o.rate.toFixed(0)} events/s (p50 ${ms(o.p50)}, p99 ${ms(o.p99)}, durable in PostgreSQL) vs plain NestJS+Bull ` +
      `${p.rate.toFixed(0)} events/s (p50 ${ms(p.p50)}, p99 ${ms(p.p99)}) → ${(o.rate / p.rate).toFixed(2)}× (medians of ${ROUNDS} alternating rounds, ` +
      `${CONCURRENCY} keep-alive clients, ${EVENTS} events each); server CPU per event ours ${o.cpuMs.toFixed(2)} ms vs plain ${p.cpuMs.toFixed(2)} ms; ` +
      `load average ${os.loadavg()[0].toFixed(2)} at the end`;
  } finally {
    for (const t of targets) t.client.close();
    await ds?.destroy().catch(() => undefined);
    for (const s of servers) await s.stop();
    await emulator?.close();
    await db?.drop().catch((e) => log(`could not drop ${db?.name}: ${(e as Error).message}`));
    for (const p of Object.values(prefixes)) await dropQueueKeys(p).catch(() => undefined);
  }
  log(`SUMMARY: ${summary}`);
  if (failures.length) throw new Error(`ingest check failed (${failures.length} problem(s))`);
}

runMain(TAG, main);
