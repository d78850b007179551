#!/usr/bin/env node
// `npm start`: install what is missing, build, and run CollabPay (SPA at /, API at /api) on one port.
//   npm start                      one server on PORT (default 3000)
//   npm start -- --instances 2     several servers on PORT, PORT+1, ... sharing Postgres, Redis and the emulator
//   npm run dev                    watch mode: server rebuilt on change, Vite dev server for the SPA
//   npm run worker                 a queue worker process only (no HTTP), for scaling webhook processing
import { ensureBuilt, ensureInstalled, loadDotEnv, log, root, spawnChild, waitForPort } from './lib.mjs';
import { join } from 'node:path';

const args = process.argv.slice(2);
const dev = args.includes('--dev');
const worker = args.includes('--worker');
const instIdx = args.indexOf('--instances');
const instances = instIdx >= 0 ? Math.max(1, Number(args[instIdx + 1]) || 1) : Number(process.env.INSTANCES ?? 1);

try {
  loadDotEnv();
  ensureInstalled();
  if (!dev) ensureBuilt();
  else ensureBuilt({ force: false });
} catch (e) {
  console.error(`[collabpay] ${e.message}`);
  process.exit(e.exitCode ?? 1);
}

const children = [];
const stopAll = (signal) => {
  for (const c of children) if (c.exitCode === null) c.kill(signal);
};
process.on('SIGINT', () => stopAll('SIGINT'));
process.on('SIGTERM', () => stopAll('SIGTERM'));

const basePort = Number(process.env.PORT ?? 3000);
const entry = join(root, 'backend', 'dist', worker ? 'worker.js' : 'main.js');

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
  const first = spawnChild(process.execPath, ['--enable-source-maps', entry], { env: { ...process.env, PORT: String(basePort) } });
  children.push(first);
  if (instances > 1 && !worker) {
    // later instances share the first one's embedded Postgres, Redis and Stripe emulator
    if (!(await waitForPort(basePort, 120_000))) {
      console.error('[collabpay] the first instance did not come up');
      stopAll('SIGTERM');
      process.exit(1);
    }
    for (let i = 1; i < instances; i++) {
      children.push(
        spawnChild(process.execPath, ['--enable-source-maps', entry], {
          env: { ...process.env, PORT: String(basePort + i), SEED_DEMO: 'false', PUBLIC_URL: `http://localhost:${basePort + i}` },
        }),
      );
    }
  }
}

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
