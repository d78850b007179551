#!/usr/bin/env node
// `npm start`: install what is missing, build, and run CollabPay (SPA at /, API at /api) on one port.
//   npm start                      one server on PORT (default 3000)
//   npm start -- --instances 2     several servers on PORT, PORT+1, ... sharing Postgres, Redis and the emulator
//   npm run dev                    watch mode: server rebuilt on change, Vite dev server for the SPA
//   npm run worker                 a queue worker process only (no HTTP), for scaling webhook processing
// Servers and workers are supervised: restarted after a crash (RESTART_BACKOFF_MS (500) doubling, at most
// RESTART_MAX restarts within RESTART_WINDOW_MS, then give up), from a loaded standby copy (RESTART_STANDBY). COLLABPAY_NO_BUILD=true skips install/build
// (an image that ships its build); COLLABPAY_DIST points at another compiled server (tests).
import { ensureBuilt, ensureInstalled, loadDotEnv, log, root, spawnChild, waitForPort } from './lib.mjs';
import { supervise } from './supervisor.mjs';
import { join, resolve } from 'node:path';

const args = process.argv.slice(2);
const dev = args.includes('--dev');
const worker = args.includes('--worker');
const instIdx = args.indexOf('--instances');
const instances = instIdx >= 0 ? Math.max(1, Number(args[instIdx + 1]) || 1) : Number(process.env.INSTANCES ?? 1);

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

const children = [];
const supervised = [];
const stopAll = (signal) => {
  for (const c of children) if (c.exitCode === null) c.kill(signal);
  for (const s of supervised) s.stop(signal);
};
process.on('SIGINT', () => stopAll('SIGINT'));
process.on('SIGTERM', () => stopAll('SIGTERM'));

const basePort = Number(process.env.PORT ?? 3000);
const dist = process.env.COLLABPAY_DIST ? resolve(process.env.COLLABPAY_DIST) : join(root, 'backend', 'dist');
const entry = join(dist, worker ? 'worker.js' : 'main.js');
const num = (v, d) => (Number.isFinite(Number(v)) && v !== undefined && v !== '' ? Number(v) : d);
const restartPolicy = {
  backoffMs: num(process.env.RESTART_BACKOFF_MS, 500),
  maxRestarts: num(process.env.RESTART_MAX, 5),
  windowMs: num(process.env.RESTART_WINDOW_MS, 60_000),
  // a loaded, idle copy of the server waits to take over (not for workers; RESTART_STANDBY=false to save its memory)
  standby: !worker && !/^(0|false|no)$/i.test(process.env.RESTART_STANDBY ?? ''),
};
const superviseServer = (name, env) =>
  supervised.push(supervise({ name, cmd: process.execPath, args: ['--enable-source-maps', entry], env, log, cwd: root, ...restartPolicy }));

if (dev) {
  log('Watch mode: server on http://localhost:' + basePort + ', SPA with hot reload on http://localhost:5173');
  children.push(spawnChild('npx', ['tsc', '-w', '--preserveWatchOutput', '-p', 'backend/tsconfig.build.json']));
  // the SPA is served by Vite (hot reload) and proxies /api and /socket.io to the server
  const spaUrl = process.env.PUBLIC_URL ?? 'http://localhost:5173';
  children.push(
    spawnChild(process.execPath, ['--watch', '--watch-preserve-output', entry], { env: { ...process.env, SERVE_SPA: 'false', PUBLIC_URL: spaUrl } }),
  );
  children.push(spawnChild('npm', ['run', 'dev', '-w', 'frontend'], { env: { ...process.env, VITE_API_PROXY: `http://127.0.0.1:${basePort}` } }));
} else {
  const label = worker ? 'worker' : 'server';
  superviseServer(instances > 1 ? `${label} 1` : label, { ...process.env, PORT: String(basePort) });
  if (instances > 1 && !worker) {
    // later instances share the first one's embedded Postgres, Redis and Stripe emulator
    if (!(await waitForPort(basePort, 120_000))) {
      console.error('[collabpay] the first instance did not come up');
      stopAll('SIGTERM');
      process.exit(1);
    }
    for (let i = 1; i < instances; i++) {
      superviseServer(`${label} ${i + 1}`, {
        ...process.env,
        PORT: String(basePort + i),
        SEED_DEMO: 'false',
        PUBLIC_URL: `http://localhost:${basePort + i}`,
      });
    }
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
