// Shared helpers for the root scripts (plain Node, no dependencies, so they run before `npm install`).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, readdirSync } from 'node:fs';
import net from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const log = (m) => console.log(`[collabpay] ${m}`);

export function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
  if (r.status !== 0) {
    const err = new Error(`${cmd} ${args.join(' ')} failed with exit code ${r.status}`);
    err.exitCode = r.status ?? 1;
    throw err;
  }
}

export function spawnChild(cmd, args, opts = {}) {
  return spawn(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
}

/** `npm ci` (or `npm install` without a lockfile) when node_modules is missing or older than the lockfile. */
export function ensureInstalled() {
  const lock = join(root, 'package-lock.json');
  const marker = join(root, 'node_modules', '.package-lock.json');
  const stale = !existsSync(marker) || (existsSync(lock) && statSync(lock).mtimeMs > statSync(marker).mtimeMs + 1000);
  if (!stale) return;
  log('Installing dependencies (first run) ...');
  run('npm', existsSync(lock) ? ['ci', '--no-audit', '--no-fund'] : ['install', '--no-audit', '--no-fund']);
}

function newestMtime(dir, skip = new Set(['node_modules', 'dist', '.data', 'e2e', 'test'])) {
  let newest = 0;
  if (!existsSync(dir)) return 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (skip.has(entry.name)) continue;
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p, skip) : statSync(p).mtimeMs);
  }
  return newest;
}

/** Builds the SPA and the server when their sources are newer than the last build. */
export function ensureBuilt({ force = false } = {}) {
  const backendOut = join(root, 'backend', 'dist', 'main.js');
  const frontendOut = join(root, 'frontend', 'dist', 'index.html');
  if (force || !existsSync(frontendOut) || newestMtime(join(root, 'frontend')) > statSync(frontendOut).mtimeMs) {
    log('Building the web app ...');
    run('npm', ['run', 'build', '-w', '@collabpay/frontend']);
  }
  const backendSrc = Math.max(newestMtime(join(root, 'backend', 'src')), newestMtime(join(root, 'backend', 'stripe-emulator', 'src')));
  if (force || !existsSync(backendOut) || backendSrc > statSync(backendOut).mtimeMs) {
    log('Building the server ...');
    run('npm', ['run', 'build', '-w', '@collabpay/backend']);
  }
}

/** Reads KEY=VALUE lines from .env (if present) into process.env without overriding what is already set. */
export function loadDotEnv() {
  const file = join(root, '.env');
  if (!existsSync(file)) return;
  for (const line of readFileSync(file, 'utf8').split(/\r?\n/)) {
    const m = line.match(/^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)\s*$/);
    if (!m || line.trim().startsWith('#')) continue;
    let v = m[2];
    if ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'"))) v = v.slice(1, -1);
    if (process.env[m[1]] === undefined) process.env[m[1]] = v;
  }
}

export function portOpen(port, host = '127.0.0.1', timeoutMs = 500) {
  return new Promise((res) => {
    const s = net.connect({ port, host });
    const done = (ok) => {
      s.destroy();
      res(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

export async function waitForPort(port, timeoutMs = 10000, host = '127.0.0.1') {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await portOpen(port, host)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

export function which(bin) {
  const r = spawnSync('sh', ['-c', `command -v ${bin}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : '';
}
