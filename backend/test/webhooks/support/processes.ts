import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import { join, resolve } from 'node:path';
import type { TestContext } from '../../support/test-app';

const BACKEND = resolve(__dirname, '../../..');

/**
 * Compiles the server (tsconfig.build.json) into a scratch directory under node_modules/.cache, so the compiled
 * code resolves the workspace's packages. Type errors elsewhere in the tree do not stop the emit.
 */
export function buildServer(label: string): { dir: string; ms: number; remove(): void } {
  const dir = join(BACKEND, 'node_modules', '.cache', `collabpay-${label}-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const t = Date.now();
  const tsc = require.resolve('typescript/bin/tsc');
  const r = spawnSync(
    process.execPath,
    [tsc, '-p', join(BACKEND, 'tsconfig.build.json'), '--outDir', dir, '--sourceMap', 'false', '--declaration', 'false', '--incremental', 'false'],
    { cwd: BACKEND, encoding: 'utf8' },
  );
  if (!existsSync(join(dir, 'worker.js'))) throw new Error(`build failed (${r.status}): ${r.stdout}\n${r.stderr}`);
  return { dir, ms: Date.now() - t, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The environment a separate worker process needs to join a test context's database, queue and Stripe. */
export function workerEnv(ctx: TestContext, extra: Record<string, string> = {}): Record<string, string> {
  const c = ctx.config;
  return {
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'test',
    DATABASE_URL: ctx.databaseUrl,
    DATABASE_POOL_SIZE: '10',
    SKIP_MIGRATIONS: 'true',
    REDIS_URL: c.redisUrl,
    QUEUE_PREFIX: c.queuePrefix,
    STRIPE_SECRET_KEY: c.stripe.secretKey,
    STRIPE_PUBLISHABLE_KEY: c.stripe.publishableKey,
    STRIPE_WEBHOOK_SECRET: c.stripe.webhookSecret,
    STRIPE_CONNECT_WEBHOOK_SECRET: c.stripe.connectWebhookSecret,
    ...(c.stripe.apiBase ? { STRIPE_API_BASE: c.stripe.apiBase } : {}),
    LOG_LEVEL: 'error',
    RUN_SCHEDULERS: 'false',
    ...extra,
  };
}

export interface WorkerProcess {
  child: ChildProcess;
  pid: number;
  output: () => string;
}

/** Spawns `test-worker.js` (compiled worker + test handlers) and resolves once it consumes the queue. */
export function spawnWorker(buildDir: string, env: Record<string, string>, timeoutMs = 30_000): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [join(__dirname, 'test-worker.js')], {
    env: { ...env, COLLABPAY_BUILD_DIR: buildDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  return new Promise((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`worker did not start in ${timeoutMs} ms:\n${out}`)), timeoutMs);
    const onData = () => {
      if (out.includes('READY ')) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        res({ child, pid: child.pid!, output: () => out });
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      rej(new Error(`worker exited (${code ?? signal}) before it was ready:\n${out}`));
    });
  });
}

export function killHard(p: { child: ChildProcess }): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return Promise.resolve();
  return new Promise((res) => {
    p.child.once('exit', () => res());
    p.child.kill('SIGKILL');
  });
}

export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = net.createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => res(port));
    });
  });
}

/** A throwaway redis-server of our own (never the shared one on 6379), to stop and start at will. */
export async function startRedis(port: number): Promise<{ child: ChildProcess; stop(): Promise<void> }> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'no'], {
    stdio: 'ignore',
  });
  const until = Date.now() + 5000;
  for (;;) {
    const up = await new Promise<boolean>((r) => {
      const s = net.connect({ port, host: '127.0.0.1' });
      s.once('connect', () => (s.destroy(), r(true)));
      s.once('error', () => r(false));
    });
    if (up) break;
    if (Date.now() > until) throw new Error(`redis-server did not start on ${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { child, stop: () => killHard({ child }) };
}
