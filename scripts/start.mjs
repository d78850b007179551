#!/usr/bin/env node
// `npm start`: install what is missing, build, and run CollabPay (SPA at /, API at /api).
//   npm start                                  one API server on PORT (default 3000) + one queue worker process
//   npm start -- --instances 3 --workers 2     3 API servers on PORT+1..PORT+3 behind a local proxy on PORT (one URL
//                                              for the browser and Stripe's webhooks) + 2 workers, all sharing
//                                              Postgres, Redis, the Stripe emulator and the mail catcher
//   npm start -- --workers 0                   no worker process: the API servers apply webhooks and run the jobs
//   npm run dev                                watch mode: server rebuilt on change, Vite dev server for the SPA
//   npm run worker                             a queue worker process only (no HTTP), to add to a running deployment
// INSTANCES and WORKERS in the environment (or .env) are the defaults of the flags. Every process gets RUN_WORKER
// explicitly: false on API servers when there is a worker process, true on workers (and on the servers without one).
// Servers and workers are supervised: restarted after a crash (RESTART_BACKOFF_MS (500) doubling, at most
// RESTART_MAX restarts within RESTART_WINDOW_MS, then give up), servers from a loaded standby copy (RESTART_STANDBY).
// COLLABPAY_NO_BUILD=true skips install/build (an image that ships its build); COLLABPAY_DIST points at another
// compiled server (tests).
import { ensureBuilt, ensureInstalled, loadDotEnv, log, root, spawnChild, waitForPort } from './lib.mjs';
import { supervise } from './supervisor.mjs';
import { join, resolve } from 'node:path';

const args = process.argv.slice(2);
const dev = args.includes('--dev');
const workerOnly = args.includes('--worker');
const count = (flag, envName, def) => {
  const i = args.indexOf(flag);
  const raw = i >= 0 ? args[i + 1] : process.env[envName];
  if (raw === undefined || raw === '') return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 64) {
    console.error(`[collabpay] ${flag} (${envName}) must be a whole number between 0 and 64, got "${raw}"`);
    process.exit(2);
  }
  return n;
};

try {
  loadDotEnv();
  if (!/^(1|true|yes)$/i.test(process.env.COLLABPAY_NO_BUILD ?? '')) {
    ensureInstalled();
    if (!dev) ensureBuilt();
    else ensureBuilt({ force: false });
  }
} catch (e) {
  console.error(`[collabpay] ${e.message}`);
  process.exit(e.exitCode ?? 1);
}

const instances = workerOnly ? 0 : Math.max(1, count('--instances', 'INSTANCES', 1));
const workers = workerOnly ? 1 : count('--workers', 'WORKERS', 1);

const children = [];
const supervised = [];
let proxy;
const stopAll = (signal) => {
  for (const c of children) if (c.exitCode === null) c.kill(signal);
  for (const s of supervised) s.stop(signal);
  void proxy?.close();
};
process.on('SIGINT', () => stopAll('SIGINT'));
process.on('SIGTERM', () => stopAll('SIGTERM'));

const basePort = Number(process.env.PORT ?? 3000);
const dist = process.env.COLLABPAY_DIST ? resolve(process.env.COLLABPAY_DIST) : join(root, 'backend', 'dist');
const num = (v, d) => (Number.isFinite(Number(v)) && v !== undefined && v !== '' ? Number(v) : d);
const restartPolicy = {
  backoffMs: num(process.env.RESTART_BACKOFF_MS, 500),
  maxRestarts: num(process.env.RESTART_MAX, 5),
  windowMs: num(process.env.RESTART_WINDOW_MS, 60_000),
};
// a loaded, idle copy of a server waits to take over (not for workers; RESTART_STANDBY=false to save its memory)
const standby = !/^(0|false|no)$/i.test(process.env.RESTART_STANDBY ?? '');
const superviseProcess = (name, file, env) =>
  supervised.push(
    supervise({
      name,
      cmd: process.execPath,
      args: ['--enable-source-maps', join(dist, file)],
      env,
      log,
      cwd: root,
      ...restartPolicy,
      standby: standby && file === 'main.js',
    }),
  );

if (dev) {
  log('Watch mode: server on http://localhost:' + basePort + ', SPA with hot reload on http://localhost:5173');
  children.push(spawnChild('npx', ['tsc', '-w', '--preserveWatchOutput', '-p', 'backend/tsconfig.build.json']));
  // the SPA is served by Vite (hot reload) and proxies /api and /socket.io to the server
  const spaUrl = process.env.PUBLIC_URL ?? 'http://localhost:5173';
  children.push(
    spawnChild(process.execPath, ['--watch', '--watch-preserve-output', join(dist, 'main.js')], {
      env: { ...process.env, SERVE_SPA: 'false', PUBLIC_URL: spaUrl, RUN_WORKER: 'true' },
    }),
  );
  children.push(spawnChild('npm', ['run', 'dev', '-w', 'frontend'], { env: { ...process.env, VITE_API_PROXY: `http://127.0.0.1:${basePort}` } }));
} else if (workerOnly) {
  superviseProcess('worker', 'worker.js', { ...process.env, RUN_WORKER: 'true' });
} else {
  // One server: on PORT itself. Several: on PORT+1.. behind the proxy on PORT, so the browser, the printed URL and
  // the emulator's webhook endpoint keep one address. The first server starts the local services (embedded
  // Postgres, Redis, emulator, mail catcher) the others then find on their ports and share.
  const proxied = instances > 1;
  const publicUrl = process.env.PUBLIC_URL || `http://localhost:${basePort}`;
  const apiEnv = (i) => ({
    ...process.env,
    PORT: String(proxied ? basePort + 1 + i : basePort),
    RUN_WORKER: workers > 0 ? 'false' : 'true',
    ...(proxied ? { PUBLIC_URL: publicUrl, COLLABPAY_PROXY_PORT: String(basePort) } : {}),
    ...(i > 0 ? { SEED_DEMO: 'false' } : {}),
  });
  const label = (kind, i, n) => (n > 1 ? `${kind} ${i + 1}` : kind);
  superviseProcess(label('server', 0, instances), 'main.js', apiEnv(0));
  if (instances > 1 || workers > 0) {
    const up = await Promise.race([waitForPort(Number(apiEnv(0).PORT), 120_000), supervised[0].done.then((code) => ({ code }))]);
    if (up !== true) {
      // it gave up (crashed too often: its supervisor said why) or never listened
      if (up === false) console.error('[collabpay] the first server did not come up');
      stopAll('SIGTERM');
      process.exit(up === false ? 1 : up.code || 1);
    }
  }
  for (let i = 1; i < instances; i++) superviseProcess(label('server', i, instances), 'main.js', apiEnv(i));
  for (let i = 0; i < workers; i++) {
    superviseProcess(label('worker', i, workers), 'worker.js', { ...process.env, RUN_WORKER: 'true', SEED_DEMO: 'false' });
  }
  if (proxied) {
    const { startProxy } = await import('./proxy.mjs');
    const targets = Array.from({ length: instances }, (_, i) => `http://127.0.0.1:${basePort + 1 + i}`);
    try {
      proxy = await startProxy({ port: basePort, host: process.env.HOST || '0.0.0.0', targets, log });
    } catch (e) {
      console.error(`[collabpay] the proxy could not listen on port ${basePort}: ${e.message}`);
      stopAll('SIGTERM');
      process.exitCode = 1;
    }
    if (proxy) log(`proxy on port ${basePort} -> ${targets.join(', ')} (sticky per browser)`);
  }
  if (proxied || workers > 0) {
    log(`${instances} API server(s) and ${workers} worker(s): open ${publicUrl} once it says it is running`);
  }
}

if (dev) {
  let exited = 0;
  for (const c of children) {
    c.on('exit', (code) => {
      exited++;
      if (code && code !== 0) {
        stopAll('SIGTERM');
        process.exitCode = code;
      }
      if (exited === children.length) process.exit(process.exitCode ?? 0);
    });
  }
} else {
  // one server that gives up (too many crashes) stops the others: a half-up deployment is worse than a clear stop
  supervised.forEach((s) =>
    s.done.then((code) => {
      if (code) {
        process.exitCode = code;
        stopAll('SIGTERM');
      }
    }),
  );
  const codes = await Promise.all(supervised.map((s) => s.done));
  process.exit(process.exitCode ?? codes.find((c) => c) ?? 0);
}
