#!/usr/bin/env node
// `npm run bench [-- webhook ingest ledger realtime frontend batching | lighthouse]`: the benchmarks of backend/bench (scripts, not tests).
// Compiles backend/bench (and what it imports) with tsc into backend/dist/bench-build, then runs each bench in its
// own process, one after the other, streaming its output; prints every bench's one-line SUMMARY at the end.
// Needs PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379 (BENCH_PG_URL / BENCH_REDIS_URL to change),
// and pgbench for the webhook bench's comparison. Every bench is bounded (BENCH_TIMEOUT_S, default 240 s each).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { log, portOpen, root, which } from './lib.mjs';

const BENCHES = {
  webhook: 'bench/webhook-pipeline.bench.js',
  // the webhook endpoint alone against a plain NestJS + Bull reference (bench/reference), alternating rounds
  ingest: 'bench/ingest.bench.js',
  ledger: 'bench/ledger-contention.bench.js',
  realtime: 'bench/realtime.bench.js',
  frontend: 'bench/frontend-size.bench.js',
  // a what-if, not in the default set: one event per transaction vs several (see the file)
  batching: 'bench/batched-apply.bench.js',
};
const DEFAULT = ['webhook', 'ingest', 'ledger', 'realtime', 'frontend'];
const backend = join(root, 'backend');
const out = join(backend, 'dist', 'bench-build');
const timeoutS = Math.max(30, Number(process.env.BENCH_TIMEOUT_S ?? 240) || 240);

const asked = process.argv.slice(2).filter((a) => !a.startsWith('-'));
// Lighthouse runs against a running app (see scripts/lighthouse.mjs), not as a compiled bench.
if (asked.includes('lighthouse')) {
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'lighthouse.mjs')], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
const unknown = asked.filter((a) => !(a in BENCHES));
if (unknown.length) {
  console.error(`unknown bench(es): ${unknown.join(', ')}; choose from ${Object.keys(BENCHES).join(', ')}`);
  process.exit(2);
}
const selected = asked.length ? asked : DEFAULT;

async function preflight() {
  const needsServices = selected.some((b) => b !== 'frontend');
  if (!needsServices) return;
  const pg = new URL(process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  const redis = new URL(process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379');
  const missing = [];
  if (!(await portOpen(Number(pg.port || 5432), pg.hostname))) {
    missing.push(`PostgreSQL on ${pg.hostname}:${pg.port || 5432} (pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start)`);
  }
  if (!(await portOpen(Number(redis.port || 6379), redis.hostname))) {
    missing.push(`Redis on ${redis.hostname}:${redis.port || 6379} (redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no)`);
  }
  if (missing.length) {
    console.error(`The benchmarks need:\n  - ${missing.join('\n  - ')}`);
    process.exit(1);
  }
  if (selected.includes('webhook') && !which('pgbench'))
    log('pgbench not found (Debian: apt-get install postgresql-contrib): the webhook bench will skip its comparison');
}

function compile() {
  log('Compiling backend/bench with tsc ...');
  const t = Date.now();
  // the benches load the emulator package from its build output (node_modules/@collabpay/stripe-emulator → dist)
  spawnSync('npm', ['run', 'build', '-w', '@collabpay/stripe-emulator'], { cwd: root, stdio: 'ignore' });
  const r = spawnSync('npx', ['tsc', '-p', 'bench/tsconfig.json', '--outDir', out], { cwd: backend, encoding: 'utf8' });
  const missing = selected.filter((b) => !existsSync(join(out, BENCHES[b])));
  if (r.status !== 0) {
    // type errors elsewhere in the tree do not stop tsc from emitting: say so, run what was emitted
    const errors = (r.stdout + r.stderr).split('\n').filter((l) => /error TS/.test(l));
    log(`tsc reported ${errors.length} type error(s) (emitted anyway):\n  ${errors.slice(0, 10).join('\n  ')}`);
  }
  if (missing.length) {
    console.error(`tsc did not emit ${missing.join(', ')}:\n${r.stdout}${r.stderr}`);
    process.exit(1);
  }
  log(`compiled in ${((Date.now() - t) / 1000).toFixed(1)} s`);
}

let current = null;
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    if (current) {
      try {
        process.kill(-current.pid, 'SIGTERM');
      } catch {
        /* gone */
      }
    }
    process.exit(130);
  });
}

function runOne(name) {
  return new Promise((resolve) => {
    const started = Date.now();
    log(`---- ${name} ----`);
    const child = spawn(process.execPath, [join(out, BENCHES[name])], { cwd: backend, stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: process.env });
    current = child;
    const summaries = [];
    let buffered = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop();
      for (const l of lines) if (/SUMMARY:/.test(l)) summaries.push(l.trim());
    });
    child.stderr.on('data', (chunk) => process.stderr.write(chunk));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      log(`${name} still running after ${timeoutS} s: stopping it`);
      try {
        process.kill(-child.pid, 'SIGTERM'); // the bench and the server processes it started
      } catch {
        /* gone */
      }
      setTimeout(() => {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }, 10_000).unref();
    }, timeoutS * 1000);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      current = null;
      if (buffered && /SUMMARY:/.test(buffered)) summaries.push(buffered.trim());
      const seconds = ((Date.now() - started) / 1000).toFixed(0);
      const ok = code === 0 && !timedOut;
      resolve({ name, ok, seconds, summaries, why: timedOut ? `timed out after ${timeoutS} s` : ok ? '' : `exit ${code ?? signal}` });
    });
  });
}

await preflight();
compile();
const results = [];
for (const name of selected) results.push(await runOne(name));
log('==== benchmark summary ====');
for (const r of results) {
  const line = r.summaries.length ? r.summaries.map((s) => s.replace(/^.*SUMMARY:\s*/, '')).join(' | ') : '(no summary)';
  log(`${r.ok ? 'ok  ' : 'FAIL'} ${r.name.padEnd(9)} ${line}${r.why ? ` [${r.why}]` : ''} (${r.seconds} s)`);
}
process.exit(results.every((r) => r.ok) ? 0 : 1);
