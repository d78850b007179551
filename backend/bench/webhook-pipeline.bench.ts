/**
 * Webhook pipeline benchmark (a script, not a test).
 *
 *   node scripts/bench.mjs webhook          (from the repository root; compiles backend/bench first)
 *
 * 1. A throwaway database (migrated by the server at start), its own Bull queue prefix, a Stripe emulator, and the
 *    real server in a child process (`createApp`, as `npm start` runs it) with RUN_WORKER=false, and BENCH_WORKERS
 *    (default 1) separate `npm run worker` processes applying the events, as in production (set-based apply of
 *    `payment_intent.succeeded`, WEBHOOK_BATCH_SIZE events per transaction); BENCH_WORKERS=0: the API process applies them.
 * 2. N PENDING payments with their PaymentIntent ids, written through the app's repositories (setup, not measured),
 *    spread over BENCH_PARTIES companies and as many influencers.
 * 3. N signed `payment_intent.succeeded` events + 20% duplicates, shuffled, POSTed to /api/payments/webhook with
 *    concurrency C over keep-alive connections. Each intent carries metadata.payment_id, status 'succeeded' and
 *    an expanded latest_charge with its balance_transaction, so the handler never calls Stripe.
 *    Prints ingest rate, ingest latency p50/p99, and the end-to-end apply rate (first POST → last event applied).
 * 4. Verifies the final state exactly: every payment HELD once (one payment_held journal entry each), every inbox
 *    row PROCESSED, every distinct event stored once, the fees and the platform balance to the cent, and
 *    LedgerInvariantsService.check() clean.
 * 5. pgbench on the same PostgreSQL server with the same client count (`pgbench -i -s 10` into a throwaway
 *    database, then the built-in TPC-B-like script `-c C -j 2 -T 15`), and the ratio apply rate / pgbench TPS.
 *
 * Knobs: BENCH_EVENTS (2000), BENCH_CONCURRENCY (32), BENCH_DUP_RATE (0.2), BENCH_WARMUP (300), BENCH_PARTIES (200),
 *   BENCH_WEBHOOK_CONCURRENCY (the app default, 8), BENCH_WORKERS (1), BENCH_WEBHOOK_BATCH_SIZE (the app default), BENCH_WEBHOOK_FLUSH_JOBS (the app default), BENCH_PGBENCH_SECONDS (15), BENCH_PGBENCH_SCALE (10),
 *   BENCH_SKIP_PGBENCH, BENCH_PG_URL, BENCH_REDIS_URL, BENCH_SEED,
 *   BENCH_PHASES=separate: pause the queue (Bull, globally) during the ingest and resume it afterwards, so ingest and
 *   apply are measured each on their own (the default `together` is the end-to-end figure: both at once).
 */
import 'reflect-metadata';
import { spawnSync } from 'node:child_process';
import Bull from 'bull';
import Stripe from 'stripe';
import { DataSource } from 'typeorm';
import { QUEUES } from '../src/common/queue/queue.module';
import { createDataSource } from '../src/database/data-source';
import { LedgerInvariantsService } from '../src/modules/ledger/ledger-invariants.service';
import { LedgerRepository } from '../src/modules/ledger/ledger.repository';
import { startStripeEmulator, StripeEmulator } from '@collabpay/stripe-emulator';
import {
  BenchDatabase,
  cpuMsByCommand,
  cpuMsOf,
  createBenchDatabase,
  dropQueueKeys,
  env,
  KeepAliveClient,
  logger,
  machineBusyMs,
  machineLine,
  ms,
  num,
  percentile,
  PG_URL,
  pool,
  REDIS_URL,
  rng,
  runMain,
  sampleWaits,
  secret,
  ServerChild,
  shuffle,
  sleep,
  startServer,
  threadCpuDelta,
  threadCpuOf,
  waitReport,
} from './support/bench-kit';
import { seedPendingPayments, succeededEvent } from './support/payment-events';

const TAG = 'webhook-bench';
const log = logger(TAG);
const EVENTS = num('BENCH_EVENTS', 2000, 100_000);
const CONCURRENCY = num('BENCH_CONCURRENCY', 32, 512);
const DUP_RATE = Math.min(1, Math.max(0, Number(env.BENCH_DUP_RATE ?? 0.2)));
const WARMUP = num('BENCH_WARMUP', 300, 10_000, 0);
const PARTIES = num('BENCH_PARTIES', 200, 10_000);
const WEBHOOK_CONCURRENCY = num('BENCH_WEBHOOK_CONCURRENCY', 8, 100);
// as in production: the events are applied by separate worker processes (BENCH_WORKERS=0: by the API process itself)
const WORKERS = num('BENCH_WORKERS', 1, 8, 0);
const BATCH_SIZE = env.BENCH_WEBHOOK_BATCH_SIZE;
const FLUSH_JOBS = env.BENCH_WEBHOOK_FLUSH_JOBS;
const PGBENCH_SECONDS = num('BENCH_PGBENCH_SECONDS', 15, 300);
const PGBENCH_SCALE = num('BENCH_PGBENCH_SCALE', 10, 1000);
const SEED = num('BENCH_SEED', 20261122, 2 ** 31);
const APPLY_TIMEOUT_MS = num('BENCH_APPLY_TIMEOUT_MS', 90_000, 600_000);
const SEPARATE = env.BENCH_PHASES === 'separate';

const signer = new Stripe('sk_test_bench_signer');

interface Delivery {
  eventId: string;
  body: Buffer;
}

function sign(d: { id: string; payload: string }, webhookSecret: string): Delivery & { signature: string } {
  return { eventId: d.id, body: Buffer.from(d.payload), signature: signer.webhooks.generateTestHeaderString({ payload: d.payload, secret: webhookSecret }) };
}

interface Answer {
  status: number;
  duplicate: boolean | undefined;
  ms: number;
  error?: string;
}

async function post(
  client: KeepAliveClient,
  deliveries: Array<Delivery & { signature: string }>,
  concurrency: number,
): Promise<{ answers: Answer[]; seconds: number }> {
  const t0 = performance.now();
  const answers = await pool(deliveries, concurrency, async (d): Promise<Answer> => {
    try {
      const r = await client.request('POST', '/api/payments/webhook', d.body, {
        'content-type': 'application/json; charset=utf-8',
        'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
        'stripe-signature': d.signature,
      });
      let duplicate: boolean | undefined;
      try {
        duplicate = JSON.parse(r.body).duplicate;
      } catch {
        duplicate = undefined;
      }
      return { status: r.status, duplicate, ms: r.ms, error: r.status === 200 ? undefined : r.body.slice(0, 200) };
    } catch (e) {
      return { status: 0, duplicate: undefined, ms: NaN, error: (e as Error).message };
    }
  });
  return { answers, seconds: (performance.now() - t0) / 1000 };
}

/** Waits until `expected` inbox rows exist and none is RECEIVED; samples what the database sessions wait on meanwhile. */
async function waitApplied(ds: DataSource, dbName: string, expected: number, timeoutMs: number, waits?: Map<string, number>) {
  const end = Date.now() + timeoutMs;
  let last = { total: 0, pending: 0 };
  while (Date.now() < end) {
    // while events wait, a look at the partial index of waiting events (a few pages) instead of counting the whole
    // inbox every 20 ms (that scan grew with the inbox and was charged to the PostgreSQL CPU per applied event)
    const [{ waiting }] = await ds.query(`SELECT EXISTS (SELECT 1 FROM webhook_events WHERE status = 'RECEIVED') AS waiting`);
    if (!waiting || last.total < expected) {
      const [r] = await ds.query(`SELECT count(*)::int AS total, count(*) FILTER (WHERE status = 'RECEIVED')::int AS pending FROM webhook_events`);
      last = r;
      if (r.total >= expected && r.pending === 0) return { done: true, ...last };
    }
    if (waits) await sampleWaits(ds, dbName, waits);
    await sleep(waits ? 20 : 100);
  }
  return { done: false, ...last };
}

function pgbenchTps(clients: number): { tps: number; line: string } | { error: string } {
  if (spawnSync('pgbench', ['--version'], { stdio: 'ignore' }).status !== 0)
    return { error: 'pgbench is not installed (Debian: apt-get install postgresql-contrib)' };
  const name = `cp_bench_pgb_${Date.now().toString(36)}_${process.pid.toString(36)}`;
  const u = new URL(PG_URL);
  const base = ['-h', u.hostname, '-p', u.port || '5432', '-U', decodeURIComponent(u.username || 'postgres')];
  const penv = { ...process.env, PGPASSWORD: decodeURIComponent(u.password || '') || process.env.PGPASSWORD || '', PGCONNECT_TIMEOUT: '10' };
  const sql = (q: string) =>
    spawnSync('psql', [...base, '-d', u.pathname.slice(1) || 'postgres', '-v', 'ON_ERROR_STOP=1', '-qAtc', q], {
      env: penv,
      encoding: 'utf8',
      timeout: 60_000,
    });
  const created = sql(`CREATE DATABASE "${name}"`);
  if (created.status !== 0) return { error: `could not create the pgbench database: ${created.stderr}` };
  try {
    const init = spawnSync('pgbench', [...base, '-i', '-q', '-s', String(PGBENCH_SCALE), name], { env: penv, encoding: 'utf8', timeout: 120_000 });
    if (init.status !== 0) return { error: `pgbench -i failed: ${init.stderr.slice(-500)}` };
    const args = [...base, '-c', String(clients), '-j', '2', '-T', String(PGBENCH_SECONDS), name];
    log(`pgbench ${args.slice(base.length).join(' ')} (scale ${PGBENCH_SCALE}) ...`);
    const run = spawnSync('pgbench', args, { env: penv, encoding: 'utf8', timeout: (PGBENCH_SECONDS + 60) * 1000 });
    if (run.status !== 0) return { error: `pgbench failed: ${(run.stderr || run.stdout).slice(-500)}` };
    const m = /tps = ([\d.]+) \(without initial connection time\)/.exec(run.stdout);
    const lat = /latency average = ([\d.]+) ms/.exec(run.stdout);
    if (!m) return { error: `unexpected pgbench output: ${run.stdout.slice(-500)}` };
    return { tps: Number(m[1]), line: `TPS ${Number(m[1]).toFixed(0)}, latency average ${lat?.[1] ?? '?'} ms` };
  } finally {
    sql(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  }
}

async function main(): Promise<void> {
  log(`machine: ${machineLine()}`);
  log(
    `config: ${EVENTS} events + ${Math.round(EVENTS * DUP_RATE)} duplicates (shuffled), client concurrency ${CONCURRENCY}, ` +
      `${WORKERS ? `${WORKERS} worker process(es) (API RUN_WORKER=false)` : 'events applied in the API process'}, WEBHOOK_CONCURRENCY ${WEBHOOK_CONCURRENCY}, WEBHOOK_BATCH_SIZE ${BATCH_SIZE ?? 'default'}, WEBHOOK_FLUSH_JOBS ${FLUSH_JOBS ?? 'default'}, ` +
      `${PARTIES} companies × ${PARTIES} influencers, warm-up ${WARMUP} events` +
      (SEPARATE ? '; phases separate (queue paused during the ingest)' : '; ingest and apply together (end to end)'),
  );
  let db: BenchDatabase | undefined;
  let emulator: StripeEmulator | undefined;
  let ds: DataSource | undefined;
  const servers: ServerChild[] = [];
  let client: KeepAliveClient | undefined;
  const queuePrefix = `cpbench:wh:${Date.now().toString(36)}${process.pid.toString(36)}`;
  let summary: string;
  const failures: string[] = [];
  let applyRate: number;
  try {
    db = await createBenchDatabase('cp_bench_wh');
    emulator = await startStripeEmulator({ port: 0 });
    const webhookSecret = secret('whsec_bench_');
    const config: Record<string, string> = {
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: '0',
      DATABASE_URL: db.url,
      REDIS_URL,
      QUEUE_PREFIX: queuePrefix,
      JWT_SECRET: secret('jwt-'),
      STRIPE_SECRET_KEY: emulator.secretKey,
      STRIPE_PUBLISHABLE_KEY: emulator.publishableKey,
      STRIPE_WEBHOOK_SECRET: webhookSecret,
      STRIPE_API_BASE: emulator.url,
      WEBHOOK_CONCURRENCY: String(WEBHOOK_CONCURRENCY),
      ...(BATCH_SIZE ? { WEBHOOK_BATCH_SIZE: BATCH_SIZE } : {}),
      ...(FLUSH_JOBS ? { WEBHOOK_FLUSH_JOBS: FLUSH_JOBS } : {}),
      // the periodic sweeper and reconciliation stay off: they are not part of the steady-state path
      WEBHOOK_SWEEP_INTERVAL_MS: '0',
      WEBHOOK_RECONCILE_INTERVAL_MS: '0',
      PAYOUT_RECONCILE_INTERVAL_MS: '0',
      LOG_LEVEL: 'error',
      SERVE_SPA: 'false',
      RUN_WORKER: WORKERS ? 'false' : 'true',
    };
    let t = performance.now();
    const api = await startServer({ config, role: 'api', label: 'api' });
    servers.push(api);
    for (let i = 0; i < WORKERS; i++) servers.push(await startServer({ config, role: 'worker', label: `worker-${i + 1}` }));
    log(
      `server ${api.url} (pid ${api.pid}${
        WORKERS
          ? `; workers ${servers
              .slice(1)
              .map((s) => s.pid)
              .join(', ')}`
          : ''
      }) started and migrated in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );

    ds = createDataSource(db.url);
    await ds.initialize();
    t = performance.now();
    const seeded = await seedPendingPayments(ds, { count: EVENTS + WARMUP, parties: PARTIES, seed: SEED });
    log(`seeded ${seeded.length} PENDING payments with intents in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const warm = seeded.slice(0, WARMUP);
    const measured = seeded.slice(WARMUP);

    client = new KeepAliveClient(api.url, CONCURRENCY);
    if (warm.length) {
      const w = await post(
        client,
        warm.map((p) => sign(succeededEvent(p), webhookSecret)),
        Math.min(CONCURRENCY, 16),
      );
      const bad = w.answers.filter((a) => a.status !== 200);
      if (bad.length) throw new Error(`warm-up: ${bad.length} deliveries failed, e.g. ${bad[0].status} ${bad[0].error}`);
      const done = await waitApplied(ds, db.name, warm.length, APPLY_TIMEOUT_MS);
      if (!done.done) throw new Error(`warm-up events not applied in time (${done.pending} pending)`);
      log(`warm-up: ${warm.length} events ingested and applied`);
    }

    // ---- the measured stream: every event once, DUP_RATE of them again, shuffled; signed just before sending
    const random = rng(SEED);
    const events = measured.map(succeededEvent);
    const stream = [...events];
    for (let i = 0; i < Math.round(events.length * DUP_RATE); i++) stream.push(events[Math.floor(random() * events.length)]);
    const deliveries = shuffle(stream, random).map((e) => sign(e, webhookSecret));
    const waits = new Map<string, number>();
    let queue: Bull.Queue | undefined;
    if (SEPARATE) {
      queue = new Bull(QUEUES.webhooks, REDIS_URL, { prefix: queuePrefix });
      await queue.pause(); // global: every worker stops taking jobs; ingest still enqueues
    }
    const cpu0 = {
      machine: machineBusyMs(),
      servers: servers.map((s) => cpuMsOf(s.pid)),
      self: process.cpuUsage(),
      apiThreads: threadCpuOf(api.pid),
      services: cpuMsByCommand(['postgres', 'redis-server']),
    };
    const tStart = performance.now();
    let applied = SEPARATE ? undefined : waitApplied(ds, db.name, seeded.length, APPLY_TIMEOUT_MS, waits); // starts sampling at once
    const ingest = await post(client, deliveries, CONCURRENCY);
    const tIngested = performance.now();
    const cpuIngest = {
      machine: machineBusyMs(),
      servers: servers.map((s) => cpuMsOf(s.pid)),
      self: process.cpuUsage(cpu0.self),
      apiThreads: threadCpuOf(api.pid),
      services: cpuMsByCommand(['postgres', 'redis-server']),
    };
    let resumedAt: Date | undefined;
    if (queue) {
      // the database's clock at the resume: the drain is timed from here to the last event marked applied
      [{ t: resumedAt }] = await ds.query(`SELECT clock_timestamp() AS t`);
      await queue.resume();
      await queue.close();
      applied = waitApplied(ds, db.name, seeded.length, APPLY_TIMEOUT_MS, waits);
    }
    const cpuApply0 = { machine: machineBusyMs(), servers: servers.map((s) => cpuMsOf(s.pid)), services: cpuMsByCommand(['postgres', 'redis-server']) };
    const done = await applied!;
    const tApplied = performance.now();
    const cpuApply = { machine: machineBusyMs(), servers: servers.map((s) => cpuMsOf(s.pid)), services: cpuMsByCommand(['postgres', 'redis-server']) };
    if (!done.done) failures.push(`not every event applied within ${APPLY_TIMEOUT_MS / 1000} s: ${done.pending} still RECEIVED, ${done.total} stored`);

    // ---- ingest figures
    const ok = ingest.answers.filter((a) => a.status === 200);
    const lat = ok.map((a) => a.ms).sort((a, b) => a - b);
    const ingestRate = deliveries.length / ingest.seconds;
    const errors = ingest.answers.filter((a) => a.status !== 200);
    if (errors.length) failures.push(`${errors.length} deliveries not answered 200, e.g. ${errors[0].status} ${errors[0].error}`);
    const stored = ok.filter((a) => a.duplicate === false).length;
    const dups = ok.filter((a) => a.duplicate === true).length;
    if (stored !== events.length) failures.push(`${stored} deliveries stored as new, expected exactly ${events.length}`);
    const ingestWall = (tIngested - tStart) / 1000;
    const cores = (v: number) => (v / 1000 / ingestWall).toFixed(2);
    log(
      `ingest: ${deliveries.length} POSTs (${stored} new, ${dups} duplicates) in ${ingest.seconds.toFixed(2)} s = ${ingestRate.toFixed(0)} events/s; ` +
        `latency p50 ${ms(percentile(lat, 50))}  p90 ${ms(percentile(lat, 90))}  p99 ${ms(percentile(lat, 99))}  max ${ms(lat[lat.length - 1])}`,
    );
    log(
      `  CPU while ingesting (cores busy): machine ${cores(cpuIngest.machine - cpu0.machine)} of 2, ` +
        servers.map((_, i) => `${i === 0 ? 'API' : `worker ${i}`} ${cores(cpuIngest.servers[i] - cpu0.servers[i])}`).join(', ') +
        `, load generator ${cores((cpuIngest.self.user + cpuIngest.self.system) / 1000)}` +
        `, PostgreSQL ${cores(cpuIngest.services.postgres - cpu0.services.postgres)}, Redis ${cores(cpuIngest.services['redis-server'] - cpu0.services['redis-server'])}`,
    );
    log(`  API process threads (cores): ${threadCpuDelta(cpu0.apiThreads, cpuIngest.apiThreads, ingestWall)}`);

    // ---- apply figures from the database's own clock: first stored → last applied (measured events only)
    const [span] = await ds.query(
      `SELECT extract(epoch FROM max(processed_at) - min(received_at))::float8 AS s, count(*)::int AS n,
              count(*) FILTER (WHERE processed_at <= (SELECT max(received_at) FROM webhook_events))::int AS during
       FROM webhook_events WHERE id = ANY($1)`,
      [events.map((e) => e.id)],
    );
    applyRate = span.n / span.s;
    log(
      `apply (end to end): ${span.n} events applied in ${Number(span.s).toFixed(2)} s from the first stored to the last applied = ${applyRate.toFixed(0)} events/s ` +
        `(${span.during} of them while ingest was still running; bench saw all applied ${((tApplied - tStart) / 1000).toFixed(2)} s after the first POST)`,
    );
    if (SEPARATE) {
      // from the resume (or the first event applied, if a job still running applied some before it) to the last one
      // marked applied (processed_at is the moment of marking, at the end of its transaction: concurrent batches
      // that start together end apart; timing by when a transaction began, as before 2026-11-30, was too kind)
      const [drain] = await ds.query(
        `SELECT extract(epoch FROM max(processed_at) - least($2::timestamptz, min(processed_at)))::float8 AS s, count(*)::int AS n
           FROM webhook_events WHERE id = ANY($1)`,
        [events.map((e) => e.id), resumedAt],
      );
      applyRate = drain.n / drain.s;
      log(`apply (queue drained on its own after the ingest): ${drain.n} events in ${Number(drain.s).toFixed(2)} s = ${applyRate.toFixed(0)} events/s`);
    }
    if (SEPARATE) {
      // CPU per applied event: less sensitive than the rate to what else runs on a shared machine
      const per = (v: number) => `${(v / events.length).toFixed(2)} ms`;
      log(
        `  CPU per applied event (queue drain): ` +
          servers.map((_, i) => `${i === 0 ? 'API' : `worker ${i}`} ${per(cpuApply.servers[i] - cpuApply0.servers[i])}`).join(', ') +
          `, PostgreSQL ${per(cpuApply.services.postgres - cpuApply0.services.postgres)}, Redis ${per(cpuApply.services['redis-server'] - cpuApply0.services['redis-server'])}; ` +
          `machine ${((cpuApply.machine - cpuApply0.machine) / 1000 / ((tApplied - tIngested) / 1000)).toFixed(2)} of 2 cores busy`,
      );
    }
    log(`  app sessions busy in PostgreSQL during apply (average count over the samples, by what they wait on):`);
    for (const l of waitReport(waits)) log(`    ${l}`);

    // ---- exact final state
    const seededIds = seeded.map((s) => s.paymentId);
    const [st] = await ds.query(
      `SELECT count(*) FILTER (WHERE status = 'HELD')::int AS held, count(*)::int AS total, coalesce(sum(stripe_fee), 0)::bigint AS fees,
              count(*) FILTER (WHERE held_at IS NULL OR stripe_charge_id IS NULL)::int AS incomplete
       FROM payments WHERE id = ANY($1)`,
      [seededIds],
    );
    if (st.total !== seeded.length || st.held !== seeded.length) failures.push(`${st.held} of ${seeded.length} payments HELD`);
    if (st.incomplete) failures.push(`${st.incomplete} HELD payments without held_at or charge id`);
    const expectedFees = seeded.reduce((s, p) => s + p.fee, 0);
    if (Number(st.fees) !== expectedFees) failures.push(`stripe fees ${st.fees}, expected ${expectedFees}`);
    const [je] = await ds.query(
      `SELECT count(*)::int AS n, count(DISTINCT reference_id)::int AS distinct_refs FROM journal_entries WHERE type = 'payment_held'`,
    );
    if (je.n !== seeded.length || je.distinct_refs !== seeded.length)
      failures.push(`${je.n} payment_held entries for ${je.distinct_refs} payments, expected exactly one for each of ${seeded.length}`);
    const inbox: { status: string; n: number; retried: number }[] = await ds.query(
      `SELECT status, count(*)::int AS n, count(*) FILTER (WHERE attempts > 1)::int AS retried FROM webhook_events GROUP BY status`,
    );
    const processed = inbox.find((r) => r.status === 'PROCESSED')?.n ?? 0;
    const others = inbox.filter((r) => r.status !== 'PROCESSED');
    if (processed !== seeded.length || others.length) failures.push(`inbox ${JSON.stringify(inbox)}, expected ${seeded.length} PROCESSED`);
    const retried = inbox.reduce((s, r) => s + r.retried, 0);
    const bal = { balance: await new LedgerRepository(ds).balance('platform:stripe_balance', 'usd') };
    const expectedBalance = seeded.reduce((s, p) => s + p.amount - p.fee, 0);
    if (Number(bal?.balance) !== expectedBalance) failures.push(`platform balance ${bal?.balance}, expected ${expectedBalance}`);
    const report = await new LedgerInvariantsService(new LedgerRepository(ds)).check();
    for (const c of report.checks.filter((x) => !x.ok)) failures.push(`ledger invariant broken: ${c.name}: ${JSON.stringify(c.details).slice(0, 300)}`);
    log(
      `verify: ${st.held}/${seeded.length} payments HELD, ${je.n} payment_held entries (one each), inbox ${inbox.map((r) => `${r.status} ${r.n}`).join(', ')}` +
        ` (${retried} needed a retry), ledger invariants ${report.ok ? 'clean' : 'BROKEN'} ` +
        `(${report.counts.entries} entries, ${report.counts.postings} postings) → ${failures.length ? 'FAILED' : 'OK'}`,
    );
    for (const f of failures) log(`  ✗ ${f}`);
    summary =
      `ingest ${ingestRate.toFixed(0)} events/s (p50 ${ms(percentile(lat, 50))}, p99 ${ms(percentile(lat, 99))}) at concurrency ${CONCURRENCY}; ` +
      `apply ${applyRate.toFixed(0)} events/s; final state ${failures.length ? 'WRONG' : 'exact'}`;
  } finally {
    client?.close();
    await ds?.destroy().catch(() => undefined);
    for (const s of servers.reverse()) await s.stop();
    await emulator?.close();
    await db?.drop().catch((e) => log(`could not drop ${db?.name}: ${(e as Error).message}`));
    await dropQueueKeys(queuePrefix).catch(() => undefined);
  }

  // ---- pgbench on the same PostgreSQL, same client count (the app is stopped by now)
  if (env.BENCH_SKIP_PGBENCH !== 'true') {
    const pgb = pgbenchTps(CONCURRENCY);
    if ('error' in pgb) {
      log(`pgbench: ${pgb.error}`);
      summary += '; pgbench unavailable';
    } else {
      log(`pgbench (TPC-B-like, scale ${PGBENCH_SCALE}, ${CONCURRENCY} clients, ${PGBENCH_SECONDS} s): ${pgb.line}`);
      log(`apply rate / pgbench TPS = ${applyRate.toFixed(0)} / ${pgb.tps.toFixed(0)} = ${(applyRate / pgb.tps).toFixed(2)}`);
      summary += `; pgbench ${pgb.tps.toFixed(0)} TPS → apply/pgbench ${(applyRate / pgb.tps).toFixed(2)}`;
    }
  }
  log(`SUMMARY: ${summary}`);
  if (failures.length) throw new Error(`final state check failed (${failures.length} problem(s))`);
}

runMain(TAG, main);
