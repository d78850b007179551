/**
 * Realtime benchmark (not a test): webhook-to-socket latency with 1,000 connected clients, then the server's
 * memory with 10,000 idle connections. Loopback only; every loop is bounded.
 *
 * Run (PostgreSQL and Redis on 127.0.0.1, as for the tests):
 *   cd backend && npx tsc -p tsconfig.json --outDir dist/realtime-bench; node dist/realtime-bench/bench/realtime.bench.js
 * (type errors elsewhere in the tree do not stop tsc from emitting; dist/ is git-ignored)
 *
 * By default it creates a throwaway database, starts one server in a child process (so the RSS figure is the
 * server's alone) and drops the database at the end. Against a server you started yourself:
 *   BENCH_URL=http://127.0.0.1:3000 BENCH_DATABASE_URL=postgres://... BENCH_JWT_SECRET=... [BENCH_PID=<server pid>] node ...
 * Knobs: BENCH_CLIENTS (1000), BENCH_WEBHOOKS (1000), BENCH_CONCURRENCY (20), BENCH_WARMUP (200; 0 = none, the method before
 *   2026-11-30), BENCH_IDLE (10000), BENCH_NOTIFY (after-commit),
 *   BENCH_IDLE_HOLD_MS (3000), BENCH_PG_URL (postgres://postgres@127.0.0.1:5432/postgres), BENCH_REDIS_URL.
 *
 * A "webhook" here is what the webhook processor does once it has applied an event: one transaction that
 * appends a `payment:update` outbox row for each party of the payment and commits. The bench does it from its
 * own process, like a queue worker would, so the server's relay is woken by a NOTIFY: as the processor does, one
 * coalesced NOTIFY sent after the commits (OutboxService.deferNotify/publishCommitted; BENCH_NOTIFY=in-tx: the
 * trigger's NOTIFY inside each transaction, as before). Latency is measured from the start of that transaction to
 * the event's arrival at each party's socket.
 */
import 'reflect-metadata';
import { JwtService } from '@nestjs/jwt';
import { ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { io, Socket } from 'socket.io-client';
import { createApp } from '../src/app.factory';
import { loadConfig } from '../src/config/env.schema';
import { createDataSource } from '../src/database/data-source';
import { OutboxService } from '../src/modules/outbox/outbox.service';
import { startStripeEmulator } from '@collabpay/stripe-emulator';
import { machineLine } from './support/bench-kit';

const env = process.env;
const num = (name: string, def: number, max: number) => Math.min(max, Math.max(1, Number(env[name] ?? def) || def));
const CLIENTS = num('BENCH_CLIENTS', 1000, 20_000);
const WEBHOOKS = num('BENCH_WEBHOOKS', 1000, 100_000);
const CONCURRENCY = num('BENCH_CONCURRENCY', 20, 500);
const IDLE = num('BENCH_IDLE', 10_000, 15_000);
const IDLE_HOLD_MS = num('BENCH_IDLE_HOLD_MS', 3000, 120_000);
// unmeasured webhooks first, with the load generator's pool already holding CONCURRENCY connections (a running worker's
// state); BENCH_WARMUP=0: the method before 2026-11-30 (the first transactions also open the pool's connections)
const WARMUP = env.BENCH_WARMUP === '0' ? 0 : num('BENCH_WARMUP', 200, 10_000);
// as the webhook processor does: one coalesced NOTIFY after the commits instead of one inside each (BENCH_NOTIFY=in-tx: the trigger's)
const NOTIFY_AFTER_COMMIT = env.BENCH_NOTIFY !== 'in-tx';
const PG_URL = env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (m: string) => console.log(`[realtime-bench] ${m}`);
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

// ---------------------------------------------------------------- the server child (`--serve`)

interface ServeMessage {
  type: 'gc';
}

async function serve(): Promise<void> {
  const emulator = await startStripeEmulator({ port: 0 });
  const cfg = loadConfig({
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    DATABASE_URL: env.DATABASE_URL,
    REDIS_URL: REDIS_URL,
    QUEUE_PREFIX: env.QUEUE_PREFIX,
    JWT_SECRET: env.JWT_SECRET,
    STRIPE_SECRET_KEY: emulator.secretKey,
    STRIPE_PUBLISHABLE_KEY: emulator.publishableKey,
    STRIPE_WEBHOOK_SECRET: 'whsec_bench',
    STRIPE_API_BASE: emulator.url,
    LOG_LEVEL: 'error',
    SERVE_SPA: 'false',
  });
  const app = await createApp(cfg);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  process.on('message', (m: ServeMessage) => {
    if (m.type === 'gc') {
      (globalThis as { gc?: () => void }).gc?.();
      process.send!({ type: 'mem', mem: process.memoryUsage() });
    }
  });
  const stop = async () => {
    await app.close();
    await emulator.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('disconnect', () => void stop());
  process.send!({ type: 'ready', port });
}

// ---------------------------------------------------------------- the bench

interface Target {
  url: string;
  databaseUrl: string;
  jwtSecret: string;
  pid?: number;
  child?: ChildProcess;
  cleanup(): Promise<void>;
}

async function startTarget(): Promise<Target> {
  if (env.BENCH_URL) {
    if (!env.BENCH_DATABASE_URL || !env.BENCH_JWT_SECRET) throw new Error('BENCH_URL needs BENCH_DATABASE_URL and BENCH_JWT_SECRET');
    return {
      url: env.BENCH_URL,
      databaseUrl: env.BENCH_DATABASE_URL,
      jwtSecret: env.BENCH_JWT_SECRET,
      pid: env.BENCH_PID ? Number(env.BENCH_PID) : undefined,
      cleanup: async () => undefined,
    };
  }
  const name = `cp_bench_rt_${Date.now().toString(36)}`;
  const admin = new Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(PG_URL);
  u.pathname = `/${name}`;
  const databaseUrl = u.toString();
  const jwtSecret = `bench-${randomUUID()}-${randomUUID()}`;
  const child = fork(__filename, ['--serve'], {
    execArgv: ['--expose-gc'],
    env: { ...env, DATABASE_URL: databaseUrl, JWT_SECRET: jwtSecret, QUEUE_PREFIX: `cpbench:${name}` },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('server did not start within 60 s')), 60_000);
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
    child.on('message', (m: { type: string; port?: number }) => {
      if (m.type === 'ready') {
        clearTimeout(t);
        resolve(m.port!);
      }
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    databaseUrl,
    jwtSecret,
    pid: child.pid,
    child,
    async cleanup() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, sleep(10_000)]);
      }
      const a = new Client({ connectionString: PG_URL });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}

async function serverMemory(t: Target): Promise<{ rss: number; heapUsed?: number }> {
  if (t.child) {
    const mem = await new Promise<NodeJS.MemoryUsage>((resolve) => {
      const on = (m: { type: string; mem?: NodeJS.MemoryUsage }) => {
        if (m.type === 'mem') {
          t.child!.off('message', on);
          resolve(m.mem!);
        }
      };
      t.child!.on('message', on);
      t.child!.send({ type: 'gc' });
    });
    return { rss: rssOf(t.pid!), heapUsed: mem.heapUsed };
  }
  return { rss: t.pid ? rssOf(t.pid) : NaN };
}

/** `n` company users written straight into the database (sockets need a user that exists). */
async function benchUsers(ds: DataSource, n: number): Promise<string[]> {
  const ids = Array.from({ length: n }, () => randomUUID());
  await ds.query(
    `INSERT INTO users (id, email, password_hash, name, role) SELECT id, id || '@bench.collabpay.dev', 'x', 'Bench', 'company' FROM unnest($1::uuid[]) AS id`,
    [ids],
  );
  return ids;
}

/** Opens `n` websocket clients, `batch` handshakes at a time; returns the sockets (throws on the first refusal). */
async function connectMany(url: string, tokens: string[], batch: number): Promise<Socket[]> {
  const sockets: Socket[] = [];
  for (let i = 0; i < tokens.length; i += batch) {
    const part = tokens.slice(i, i + batch).map(
      (token) =>
        new Promise<Socket>((resolve, reject) => {
          const s = io(`${url}/payments`, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true, timeout: 20_000 });
          s.once('connect', () => resolve(s));
          s.once('connect_error', (e) => reject(new Error(`connect failed after ${sockets.length} sockets: ${e.message}`)));
        }),
    );
    sockets.push(...(await Promise.all(part)));
  }
  return sockets;
}

async function main(): Promise<void> {
  const t = await startTarget();
  const jwt = new JwtService({ secret: t.jwtSecret });
  // the session check wants a jti and a user that exists with the token's role
  const token = (sub: string) => jwt.sign({ sub, email: `${sub}@bench.collabpay.dev`, role: 'company' }, { expiresIn: 3600, jwtid: randomUUID() });
  const ds = createDataSource(t.databaseUrl);
  await ds.initialize();
  const outbox = new OutboxService(undefined, ds);
  let sockets: Socket[] = [];
  try {
    log(`machine: ${machineLine()}`);
    log(`server ${t.url}${t.pid ? ` (pid ${t.pid})` : ''}`);

    // ---- 1. latency with CLIENTS connected users
    const users = await benchUsers(ds, CLIENTS);
    let c0 = performance.now();
    sockets = await connectMany(t.url, users.map(token), 100);
    log(`${sockets.length} clients connected in ${((performance.now() - c0) / 1000).toFixed(1)} s`);
    const pending = new Map<string, { t0: number; received: number[]; left: number; done: () => void }>();
    const fromStart: number[] = [];
    const fromCommit: number[] = [];
    const txTimes: number[] = [];
    for (const s of sockets)
      s.on('payment:update', (e: { benchId: string }) => {
        const now = performance.now();
        const p = pending.get(e.benchId);
        if (!p) return;
        if (measuring) fromStart.push(now - p.t0);
        p.received.push(now);
        if (--p.left === 0) {
          pending.delete(e.benchId);
          p.done();
        }
      });
    const half = Math.floor(CLIENTS / 2);
    let measuring = true;
    const webhook = async (i: number) => {
      const company = users[i % half];
      const influencer = users[half + (i % (CLIENTS - half))];
      const benchId = randomUUID();
      const payload = {
        paymentId: randomUUID(),
        collaborationId: randomUUID(),
        status: 'HELD',
        amount: 50_000,
        currency: 'usd',
        message: 'Payment received and held by CollabPay',
        benchId,
      };
      const entry = { t0: performance.now(), received: [] as number[], left: 2, done: () => undefined as void };
      const delivered = new Promise<void>((done) => pending.set(benchId, Object.assign(entry, { done })));
      await ds.transaction(async (em) => {
        if (NOTIFY_AFTER_COMMIT) await outbox.deferNotify(em);
        await outbox.append(em, company, 'payment:update', payload);
        await outbox.append(em, influencer, 'payment:update', payload);
      });
      const committed = performance.now(); // when the committer learns of its commit; the NOTIFY can be faster
      if (NOTIFY_AFTER_COMMIT) void outbox.publishCommitted();
      if (measuring) txTimes.push(committed - entry.t0);
      await Promise.race([delivered, sleep(10_000)]);
      if (measuring) for (const r of entry.received) fromCommit.push(Math.max(0, r - committed));
    };
    const run = async (n: number) => {
      let next = 0;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < n) await webhook(next++);
        }),
      );
    };
    if (WARMUP) {
      // every connection the loop will use, opened before it starts
      await Promise.all(Array.from({ length: CONCURRENCY + 1 }, () => ds.query(`SELECT pg_sleep(0.05)`)));
      measuring = false;
      await run(WARMUP);
      fromStart.length = 0;
      measuring = true;
      log(`warm-up: ${WARMUP} webhooks (not measured), load generator's pool opened first`);
    } else log('no warm-up (BENCH_WARMUP=0): the first transactions open the load generator pool connections');
    c0 = performance.now();
    await run(WEBHOOKS);
    const elapsed = (performance.now() - c0) / 1000;
    const lost = WEBHOOKS * 2 - fromStart.length;
    fromStart.sort((a, b) => a - b);
    fromCommit.sort((a, b) => a - b);
    txTimes.sort((a, b) => a - b);
    const f = (v: number) => `${v.toFixed(1)} ms`;
    log(
      `${WEBHOOKS} webhooks (2 parties each) at concurrency ${CONCURRENCY} in ${elapsed.toFixed(1)} s = ${(WEBHOOKS / elapsed).toFixed(0)}/s; ${fromStart.length} deliveries, ${lost} missing`,
    );
    log(
      `webhook-to-socket latency (tx start -> client): p50 ${f(percentile(fromStart, 50))}  p99 ${f(percentile(fromStart, 99))}  max ${f(fromStart[fromStart.length - 1])}`,
    );
    log(`commit-acknowledged-to-socket latency:         p50 ${f(percentile(fromCommit, 50))}  p99 ${f(percentile(fromCommit, 99))}`);
    log(`of which the webhook's own transaction:         p50 ${f(percentile(txTimes, 50))}  p99 ${f(percentile(txTimes, 99))}`);
    const latencyLine = `latency p50 ${f(percentile(fromStart, 50))} p99 ${f(percentile(fromStart, 99))} with ${CLIENTS} clients`;
    for (const s of sockets) s.close();
    sockets = [];
    await sleep(1000);

    // ---- 2. memory with IDLE idle connections
    const base = await serverMemory(t);
    log(`server memory with 0 connections: RSS ${mb(base.rss)}${base.heapUsed ? `, heap ${mb(base.heapUsed)}` : ''}`);
    c0 = performance.now();
    sockets = await connectMany(t.url, (await benchUsers(ds, IDLE)).map(token), 250);
    log(`${sockets.length} idle clients connected in ${((performance.now() - c0) / 1000).toFixed(1)} s; holding ${IDLE_HOLD_MS} ms`);
    await sleep(IDLE_HOLD_MS);
    const still = sockets.filter((s) => s.connected).length;
    const loaded = await serverMemory(t);
    const perConn = (loaded.rss - base.rss) / IDLE;
    log(
      `server memory with ${IDLE} idle connections: RSS ${mb(loaded.rss)}${loaded.heapUsed ? `, heap ${mb(loaded.heapUsed)}` : ''} (+${(perConn / 1024).toFixed(1)} KB RSS per connection); ${still} still connected`,
    );
    log(`SUMMARY: ${latencyLine}, ${lost} lost; ${IDLE} idle connections -> server RSS ${mb(loaded.rss)} (+${(perConn / 1024).toFixed(1)} KB each)`);
  } finally {
    for (const s of sockets) s.close();
    await ds.destroy();
    await t.cleanup();
  }
}

if (process.argv.includes('--serve')) {
  serve().catch((e) => {
    console.error('[realtime-bench server]', e);
    process.exit(1);
  });
} else {
  main().then(
    () => process.exit(0),
    (e) => {
      console.error('[realtime-bench] failed:', e instanceof Error ? e.message : e);
      process.exit(1);
    },
  );
}
