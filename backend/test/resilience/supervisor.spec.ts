import { ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createTestDatabase } from '../support/database';
import { eventually } from '../support/test-app';
import { buildServer, freePort, startRedis } from '../webhooks/support/processes';
import { Driver, serverEnv, startEmulator } from './support/outage-stack';

const ROOT = resolve(__dirname, '../../..');

interface Supervisor {
  child: ChildProcess;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `npm start` itself (scripts/start.mjs), on a prebuilt server and private services. */
function startSupervisor(env: Record<string, string>): Supervisor {
  const child = spawn(process.execPath, [join(ROOT, 'scripts', 'start.mjs')], {
    cwd: ROOT,
    env: { ...env, COLLABPAY_NO_BUILD: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (b) => (out += b));
  child.stderr!.on('data', (b) => (out += b));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.once('exit', (code, signal) => r({ code, signal })));
  return { child, output: () => out, exited };
}

const serverPids = (out: string) => [...out.matchAll(/server started \(pid (\d+)\)/g)].map((m) => Number(m[1]));
const standbyPids = (out: string) => [...out.matchAll(/server standby loading \(pid (\d+)\)/g)].map((m) => Number(m[1]));
const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('npm start supervises the server', () => {
  it('restarts a crashing server with a growing backoff, says so, and gives up after the limit', async () => {
    const dir = join(tmpdir(), `collabpay-crashing-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'main.js'), `console.log('boom'); process.exit(3);\n`);
    const sup = startSupervisor({ PATH: process.env.PATH ?? '', COLLABPAY_DIST: dir, RESTART_BACKOFF_MS: '100', RESTART_MAX: '3', RESTART_WINDOW_MS: '60000' });
    const { code } = await sup.exited;
    rmSync(dir, { recursive: true, force: true });
    const out = sup.output();
    expect(code).toBe(3);
    expect(serverPids(out)).toHaveLength(4);
    expect(out.match(/restarting in \d+ ms/g)).toEqual(['restarting in 100 ms', 'restarting in 200 ms', 'restarting in 400 ms']);
    expect(out).toMatch(/died \(exit code 3\); restarting in 100 ms \(restart 1 of at most 3 within 60 s\)/);
    expect(out).toMatch(/crashed 4 times within 60 s \(exit code 3\): giving up/);
  }, 30_000);

  describe('kill -9 of the server mid-flow', () => {
    let build: ReturnType<typeof buildServer>;
    let redis: Awaited<ReturnType<typeof startRedis>>;
    let database: Awaited<ReturnType<typeof createTestDatabase>>;
    let stack: Awaited<ReturnType<typeof startEmulator>>;
    let sup: Supervisor;

    beforeAll(async () => {
      build = buildServer('supervisor');
      const redisPort = await freePort();
      redis = await startRedis(redisPort);
      database = await createTestDatabase('supervisor'); // a clone of the migrated template (the shared server is never stopped)
      stack = await startEmulator();
      sup = startSupervisor({
        ...serverEnv({
          port: stack.port,
          databaseUrl: database.url,
          redisUrl: `redis://127.0.0.1:${redisPort}`,
          emulator: stack.emulator,
          webhookSecret: stack.webhookSecret,
          label: `sup-${process.pid}`,
        }),
        SKIP_MIGRATIONS: 'true',
        COLLABPAY_DIST: build.dir,
        LOG_LEVEL: 'info',
        // only the catch-up at start can apply what was sent while the server was down
        WEBHOOK_RECONCILE_ON_START: 'true',
        WEBHOOK_RECONCILE_INTERVAL_MS: '0',
      });
      await eventually(() => sup.output().includes('CollabPay is running'), 60_000, 'the server under the supervisor');
    }, 120_000);

    afterAll(async () => {
      if (sup && sup.child.exitCode === null) sup.child.kill('SIGKILL');
      for (const pid of [...serverPids(sup?.output() ?? ''), ...standbyPids(sup?.output() ?? '')]) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
      await redis?.stop();
      await database?.drop();
      await stack?.emulator.close();
      build?.remove();
    });

    it('is back within 10 s, applies within 30 s the events Stripe sent meanwhile, and still stops on SIGTERM', async () => {
      const d = new Driver(`http://127.0.0.1:${stack.port}`, stack.emulator, stack.webhookSecret, database.url);
      const company = await d.register('company');
      const influencer = await d.register('influencer');
      // accepted with an intent, not paid yet
      const p = await d.http.post(
        '/api/collaborations',
        { influencerId: influencer.id, title: 'Mid-flow', amount: 12_345, currency: 'usd' },
        { token: company.token },
      );
      const a = await d.http.post(`/api/collaborations/${p.body.id}/accept`, {}, { token: influencer.token });
      const intent = await d.http.post('/api/payments/create-intent', { collaborationId: p.body.id }, { token: company.token });
      expect([p.status, a.status, intent.status]).toEqual([201, 200, 201]);
      const paymentId = a.body.paymentInfo.paymentId as string;

      // the supervisor keeps a loaded standby copy ready to take over
      await eventually(() => /server standby loading \(pid \d+\)/.test(sup.output()), 15_000, 'a standby server');
      const [first] = serverPids(sup.output());
      process.kill(first, 'SIGKILL');
      const killedAt = Date.now();
      // meanwhile the customer pays; Stripe's webhook finds nobody
      await d.stripe.paymentIntents.confirm(intent.body.payment.stripePaymentIntentId, {
        payment_method: 'pm_card_visa',
        return_url: 'http://localhost/return',
      });
      const events = await d.eventsOf([intent.body.payment.stripePaymentIntentId]);
      expect(events.length).toBeGreaterThan(0);
      const missed = await Promise.all(events.map((e) => d.deliver(e)));
      expect(missed.filter((r) => r.status !== 0)).toEqual([]); // nobody listening: the server is down

      await eventually(async () => (await d.http.get('/api/health').catch(() => ({ status: 0 }))).status === 200, 10_000, 'health 200 after the kill').catch(
        (e) => {
          throw new Error(`${(e as Error).message}; supervisor output:\n${sup.output().slice(-3000)}`);
        },
      );
      const backMs = Date.now() - killedAt;
      expect(backMs).toBeLessThan(10_000);
      expect(serverPids(sup.output())).toHaveLength(2);
      expect(sup.output()).toMatch(/server \(pid \d+\) died \(SIGKILL\); restarting in \d+ ms/);
      expect(sup.output()).toMatch(/server started \(pid \d+\) from the loaded standby/);

      const status = async () => (await d.http.get(`/api/payments/${paymentId}`, { token: company.token })).body?.status;
      await eventually(async () => (await status()) === 'HELD', 30_000, 'the payment paid while the server was down is held');
      const appliedMs = Date.now() - killedAt;
      expect(sup.output()).toMatch(/catch-up reconciliation at start: \d+ event\(s\) listed, [1-9]\d* missed one\(s\) stored/);

      sup.child.kill('SIGTERM');
      const { code } = await sup.exited;
      expect(code).toBe(0);
      const second = serverPids(sup.output())[1];
      await eventually(() => !isAlive(second), 5000, 'the server stopped with the supervisor');
      await eventually(() => standbyPids(sup.output()).every((pid) => !isAlive(pid)), 5000, 'the standby stopped with the supervisor');
      console.log(`[supervisor] server SIGKILLed: back in ${backMs} ms, ${events.length} missed event(s) applied ${appliedMs} ms after the kill`);
    }, 90_000);
  });
});
