/**
 * Shared pieces of the benchmarks (scripts, not tests): throwaway databases, a server in a child process,
 * keep-alive HTTP, percentiles and a description of the machine the figures were taken on.
 * Loopback only; everything here is bounded in time and cleans up after itself.
 */
import { ChildProcess, execFileSync, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { Client } from 'pg';
import { pool, rng, shuffle } from '../../test/support/concurrency';

export { pool, rng, shuffle };

export const env = process.env;
export const PG_URL = env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** An integer knob from the environment, clamped to [min, max]. */
export function num(name: string, def: number, max: number, min = 1): number {
  const v = Number(env[name] ?? def);
  return Math.min(max, Math.max(min, Number.isFinite(v) ? Math.round(v) : def));
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function logger(tag: string) {
  return (m: string) => console.log(`[${tag}] ${m}`);
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export const ms = (v: number) => `${v.toFixed(1)} ms`;
export const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

export function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

/** CPU time (user + system, ms) a process has used so far, from /proc (NaN where unavailable). */
export function cpuMsOf(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return NaN;
  }
}

/** CPU time (ms) per thread name of a process (main thread `node`, V8 helpers `V8Worker`, libuv pool `libuv-worker`, ...). */
export function threadCpuOf(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        const comm = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
        const fields = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8').split(') ')[1].split(' ');
        const label = tid === String(pid) ? 'main' : comm;
        out.set(label, (out.get(label) ?? 0) + ((Number(fields[11]) + Number(fields[12])) * 1000) / 100);
      } catch {
        /* thread ended */
      }
    }
  } catch {
    /* process ended */
  }
  return out;
}

/** Difference of two threadCpuOf snapshots, as "name cores" over `seconds`, busiest first. */
export function threadCpuDelta(before: Map<string, number>, after: Map<string, number>, seconds: number): string {
  return [...after.entries()]
    .map(([k, v]) => [k, (v - (before.get(k) ?? 0)) / 1000 / seconds] as const)
    .filter(([, c]) => c >= 0.01)
    .sort((a, b) => b[1] - a[1])
    .map(([k, c]) => `${k} ${c.toFixed(2)}`)
    .join(', ');
}

/** CPU time (ms) used so far by all processes with these command names (e.g. postgres, redis-server). */
export function cpuMsByCommand(names: string[]): Record<string, number> {
  const out: Record<string, number> = Object.fromEntries(names.map((n) => [n, 0]));
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
      if (!(comm in out)) continue;
      out[comm] += cpuMsOf(Number(pid));
    } catch {
      /* gone */
    }
  }
  return out;
}

/** Total busy CPU time of the machine (ms, all cores), from /proc/stat. */
export function machineBusyMs(): number {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const idle = cpu[3] + (cpu[4] ?? 0);
    const total = cpu.slice(0, 8).reduce((a, b) => a + b, 0);
    return ((total - idle) * 1000) / 100;
  } catch {
    return NaN;
  }
}

/** One line that says what the figures were taken on, including how busy the machine already was. */
export function machineLine(): string {
  const cpus = os.cpus();
  const [l1, l5] = os.loadavg();
  let pg: string;
  try {
    pg = execFileSync('pgbench', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      .trim()
      .replace(/^pgbench \(PostgreSQL\) /, 'PostgreSQL ');
  } catch {
    pg = 'PostgreSQL ?';
  }
  return (
    `${cpus.length} cores (${cpus[0]?.model.trim() ?? '?'}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GB RAM, Node ${process.version}, ${pg}; ` +
    `load average before the run ${l1.toFixed(2)} / ${l5.toFixed(2)} (1 / 5 min)`
  );
}

// ---------------------------------------------------------------- databases

export interface BenchDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

function urlFor(name: string): string {
  const u = new URL(PG_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

async function admin<T>(f: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: PG_URL, connectionTimeoutMillis: 5000 });
  await c.connect();
  try {
    return await f(c);
  } finally {
    await c.end();
  }
}

/** An empty database (the server migrates it when it starts); dropped by `drop()`. */
export async function createBenchDatabase(prefix: string): Promise<BenchDatabase> {
  const name = `${prefix}_${Date.now().toString(36)}_${process.pid.toString(36)}`;
  await admin((c) => c.query(`CREATE DATABASE "${name}"`));
  return {
    name,
    url: urlFor(name),
    // BENCH_KEEP_DB=true: the database stays for a look afterwards (its name is printed)
    drop: () =>
      env.BENCH_KEEP_DB === 'true'
        ? Promise.resolve(console.log(`[bench] kept database ${name} (BENCH_KEEP_DB)`))
        : admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}

/** Deletes the Bull keys of a queue prefix (the bench's own, never anyone else's). Bounded SCAN. */
export async function dropQueueKeys(prefix: string): Promise<void> {
  if (!prefix.startsWith('cpbench:')) return;
  const r = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await r.connect();
    let cursor = '0';
    for (let i = 0; i < 10_000; i++) {
      const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length) await r.del(...keys);
      cursor = next;
      if (cursor === '0') break;
    }
  } finally {
    r.disconnect();
  }
}

/**
 * One sample of what the app's sessions in `dbName` are doing in PostgreSQL (wait event, and for lock waits the
 * statement that waits), added to `into`; `#samples` counts the samples.
 */
export async function sampleWaits(q: { query(sql: string, params?: unknown[]): Promise<any> }, dbName: string, into: Map<string, number>): Promise<void> {
  const rows: { w: string; n: number }[] = await q.query(
    `SELECT coalesce(wait_event_type || ':' || wait_event, 'CPU (running)')
            || CASE WHEN wait_event_type = 'Lock' THEN ' in "' || left(regexp_replace(query, '\\s+', ' ', 'g'), 48) || '…"' ELSE '' END AS w,
            count(*)::int AS n
     FROM pg_stat_activity WHERE datname = $1 AND state = 'active' AND pid <> pg_backend_pid() GROUP BY 1`,
    [dbName],
  );
  for (const x of rows) into.set(x.w, (into.get(x.w) ?? 0) + x.n);
  into.set('#samples', (into.get('#samples') ?? 0) + 1);
}

/** The busiest waits of sampleWaits: "average sessions  wait", top `n`. */
export function waitReport(waits: Map<string, number>, n = 6): string[] {
  const samples = Math.max(1, waits.get('#samples') ?? 0);
  return [...waits.entries()]
    .filter(([k]) => k !== '#samples')
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([w, c]) => `${(c / samples).toFixed(2).padStart(6)}  ${w}`)
    .concat(`(${samples} samples)`);
}

// ---------------------------------------------------------------- the server in a child process

export interface ServerChild {
  /** http://127.0.0.1:port (API processes only) */
  url: string;
  pid: number;
  child: ChildProcess;
  stop(): Promise<void>;
}

export interface StartServerOptions {
  /** Environment for loadConfig (DATABASE_URL, QUEUE_PREFIX, secrets, knobs); nothing is taken from the bench's own env. */
  config: Record<string, string>;
  /**
   * 'api' = createApp + listen (runs the queue workers too unless RUN_WORKER=false); 'worker' = `npm run worker`'s
   * context; 'reference' = the plain NestJS webhook app of bench/reference (config: REDIS_URL, QUEUE_PREFIX,
   * STRIPE_WEBHOOK_SECRET)
   */
  role?: 'api' | 'worker' | 'reference';
  label?: string;
  startTimeoutMs?: number;
}

/** Where the compiled serve script is (next to this file after tsc). */
const SERVE_SCRIPT = join(__dirname, 'serve.js');

/** Starts the real server (or a queue worker) in its own process, so its CPU and memory are its own. */
export async function startServer(opts: StartServerOptions): Promise<ServerChild> {
  if (!existsSync(SERVE_SCRIPT)) throw new Error(`${SERVE_SCRIPT} is missing: compile the benches first (node scripts/bench.mjs does)`);
  const child = fork(SERVE_SCRIPT, [opts.role ?? 'api'], {
    // BENCH_CPU_PROF=<dir>: a V8 CPU profile of each server process, written when it stops (open in Chrome DevTools)
    execArgv: ['--expose-gc', ...(env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${env.BENCH_CPU_PROF}`] : [])],
    env: {
      PATH: env.PATH ?? '',
      HOME: env.HOME ?? '',
      // read by data-source.ts from the process environment, not by loadConfig
      ...(env.DATABASE_POOL_SIZE ? { DATABASE_POOL_SIZE: env.DATABASE_POOL_SIZE } : {}),
      BENCH_SERVER_CONFIG: JSON.stringify(opts.config),
      BENCH_LABEL: opts.label ?? opts.role ?? 'api',
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    const t = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${opts.label ?? 'server'} did not start within ${(opts.startTimeoutMs ?? 60_000) / 1000} s`));
    }, opts.startTimeoutMs ?? 60_000);
    child.once('exit', (code) => {
      clearTimeout(t);
      reject(new Error(`${opts.label ?? 'server'} exited with ${code} while starting`));
    });
    child.on('message', (m: { type: string; port?: number }) => {
      if (m.type === 'ready') {
        clearTimeout(t);
        resolve(m.port ?? 0);
      }
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(15_000)]);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await Promise.race([exited, sleep(2000)]);
      }
    },
  };
}

/** Server process memory after a forced GC in that process. */
export async function serverMemory(s: ServerChild): Promise<{ rss: number; heapUsed: number }> {
  const mem = await new Promise<NodeJS.MemoryUsage>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('no memory report')), 10_000);
    const on = (m: { type: string; mem?: NodeJS.MemoryUsage }) => {
      if (m.type === 'mem') {
        clearTimeout(t);
        s.child.off('message', on);
        resolve(m.mem!);
      }
    };
    s.child.on('message', on);
    s.child.send({ type: 'gc' });
  });
  return { rss: rssOf(s.pid), heapUsed: mem.heapUsed };
}

/** A fresh random secret (JWT, webhook signing). */
export const secret = (prefix = '') => `${prefix}${randomUUID().replace(/-/g, '')}${randomUUID().replace(/-/g, '')}`;

// ---------------------------------------------------------------- HTTP

export interface PostResult {
  status: number;
  body: string;
  ms: number;
}

/**
 * Minimal keep-alive JSON client on node:http (much cheaper per request than fetch, which matters when the load
 * generator shares two cores with the server, Postgres and Redis).
 */
export class KeepAliveClient {
  readonly agent: http.Agent;
  private readonly base: URL;

  constructor(baseUrl: string, maxSockets: number) {
    this.base = new URL(baseUrl);
    this.agent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets, keepAliveMsecs: 10_000 });
  }

  request(method: string, path: string, body: Buffer | string | undefined, headers: Record<string, string>, timeoutMs = 30_000): Promise<PostResult> {
    return new Promise((resolve, reject) => {
      const t0 = performance.now();
      const h: Record<string, string | number> = { ...headers };
      if (body !== undefined) h['content-length'] = Buffer.byteLength(body);
      const req = http.request(
        { host: this.base.hostname, port: Number(this.base.port), method, path, headers: h, agent: this.agent, timeout: timeoutMs },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - t0 }));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out after ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end(body);
    });
  }

  async json(
    method: string,
    path: string,
    body?: unknown,
    token?: string,
    extra: Record<string, string> = {},
  ): Promise<{ status: number; body: any; ms: number }> {
    const headers: Record<string, string> = { ...extra };
    if (token) headers.authorization = `Bearer ${token}`;
    let payload: string | undefined;
    if (body !== undefined) {
      payload = JSON.stringify(body);
      headers['content-type'] = 'application/json';
    }
    const r = await this.request(method, path, payload, headers);
    let parsed: unknown = r.body;
    try {
      parsed = r.body ? JSON.parse(r.body) : undefined;
    } catch {
      /* not JSON */
    }
    return { status: r.status, body: parsed, ms: r.ms };
  }

  close(): void {
    this.agent.destroy();
  }
}

/** Polls `check` every `everyMs` until it is truthy or `timeoutMs` passes (then returns false). */
export async function until(check: () => Promise<boolean>, timeoutMs: number, everyMs = 50): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > end) return false;
    await sleep(everyMs);
  }
}

/** Runs `main` and exits with its status; a failure prints `[tag] FAILED: ...` and exits 1. */
export function runMain(tag: string, main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (e) => {
      console.error(`[${tag}] FAILED: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      process.exit(1);
    },
  );
}
