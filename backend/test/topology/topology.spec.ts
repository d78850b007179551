/**
 * The deployment topology end to end: `npm start -- --instances 2 --workers 2` (scripts/start.mjs: two API servers
 * behind its proxy, two queue workers, each supervised) on the compiled server, through a private PgBouncer in
 * transaction mode in front of a test database (LISTEN and migrations on DATABASE_DIRECT_URL).
 * SCALE_TOPOLOGY_DELIVERIES (5,000) signed webhook deliveries, 30% of them duplicates, shuffled and posted to both
 * API servers; one worker is SIGKILLed midway (its supervisor restarts it). Then the exact final state, and the
 * socket clients on both servers got every event of their user in `seq` order without a gap.
 */
import { JwtService } from '@nestjs/jwt';
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import Stripe from 'stripe';
import { DataSource } from 'typeorm';
import { seedPendingPayments, SeededPayment, succeededEvent } from '../../bench/support/payment-events';
import { createDataSource } from '../../src/database/data-source';
import { LedgerInvariantsService } from '../../src/modules/ledger/ledger-invariants.service';
import { LedgerRepository } from '../../src/modules/ledger/ledger.repository';
import { pool, rng, shuffle } from '../support/concurrency';
import { createTestDatabase } from '../support/database';
import { PgBouncer, startPgBouncer } from '../support/pgbouncer';
import { startTestSmtp, TestSmtp } from '../support/smtp';
import { eventually } from '../support/test-app';
import { connectClient, TestClient } from '../realtime/realtime-helpers';
import { serverEnv, startEmulator } from '../resilience/support/outage-stack';
import { buildServer, freePort, startRedis } from '../webhooks/support/processes';

const ROOT = resolve(__dirname, '../../..');
const DELIVERIES = Math.max(100, Number(process.env.SCALE_TOPOLOGY_DELIVERIES ?? 5000));
const DUP_RATE = 0.3;
const DISTINCT = DELIVERIES - Math.round(DELIVERIES * DUP_RATE);
const PARTIES = 40;
const JWT_SECRET = `topology-${randomBytes(24).toString('hex')}`;
const signer = new Stripe('sk_test_topology_signer');

const pidsOf = (out: string, what: RegExp) => [...out.matchAll(what)].map((m) => Number(m[1]));
const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe(`topology: 2 API servers + 2 workers (npm start) through PgBouncer, ${DELIVERIES} webhook deliveries`, () => {
  let build: ReturnType<typeof buildServer>;
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let bouncer: PgBouncer;
  let stack: Awaited<ReturnType<typeof startEmulator>>;
  let smtp: TestSmtp;
  let ds: DataSource;
  let sup: ChildProcess;
  let out = '';
  const clients: TestClient[] = [];
  let proxyPort: number;
  const apiUrl = (i: number) => `http://127.0.0.1:${proxyPort + 1 + i}`;

  beforeAll(async () => {
    build = buildServer('topology');
    const redisPort = await freePort();
    redis = await startRedis(redisPort);
    database = await createTestDatabase('topology');
    bouncer = await startPgBouncer('topology', { poolSize: 20 });
    stack = await startEmulator();
    smtp = await startTestSmtp();
    proxyPort = stack.port; // a free port; the servers take the next two
    // the deployment's one-shot step (compose `migrate`, the Kubernetes Job): nothing left to do on the cloned template
    const migrateCli = (env: Record<string, string>) =>
      spawnSync(process.execPath, [join(build.dir, 'cli', 'migrate.js')], { env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8' });
    const migrated = migrateCli({ DATABASE_URL: bouncer.url(database.name), DATABASE_DIRECT_URL: database.url });
    expect([migrated.status, migrated.stdout]).toEqual([0, expect.stringMatching(/the database is up to date/)]);
    expect(migrateCli({}).status).toBe(2);
    sup = spawn(process.execPath, [join(ROOT, 'scripts', 'start.mjs'), '--instances', '2', '--workers', '2'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...serverEnv({
          port: proxyPort,
          databaseUrl: bouncer.url(database.name),
          redisUrl: `redis://127.0.0.1:${redisPort}`,
          emulator: stack.emulator,
          webhookSecret: stack.webhookSecret,
          label: `topo-${process.pid}`,
        }),
        DATABASE_DIRECT_URL: database.url,
        DATABASE_POOL_SIZE: '10',
        SKIP_MIGRATIONS: 'true',
        COLLABPAY_NO_BUILD: 'true',
        COLLABPAY_DIST: build.dir,
        RESTART_STANDBY: 'false',
        RESTART_BACKOFF_MS: '200',
        JWT_SECRET,
        SMTP_URL: smtp.url,
        MAIL_BACKOFF_MS: '500',
        // mail the killed worker had claimed is claimed again after this
        MAIL_CLAIM_TIMEOUT_MS: '5000',
        WEBHOOK_RECONCILE_ON_START: 'false',
        // the killed worker's jobs are taken over once their lock expires (and by the sweeper)
        WEBHOOK_JOB_LOCK_MS: '5000',
        LOG_LEVEL: 'warn',
      },
    });
    sup.stdout!.on('data', (d) => (out += d));
    sup.stderr!.on('data', (d) => (out += d));
    ds = createDataSource(database.url);
    await ds.initialize();
    await eventually(
      () => (out.match(/CollabPay is running/g) ?? []).length >= 2 && /proxy on port/.test(out) && pidsOf(out, /worker \d started \(pid (\d+)\)/g).length >= 2,
      120_000,
      'two servers, two workers and the proxy',
    ).catch((e) => {
      throw new Error(`${(e as Error).message}; npm start output:\n${out.slice(-4000)}`);
    });
  }, 240_000);

  afterAll(async () => {
    for (const c of clients) c.close();
    if (sup && sup.exitCode === null) {
      const exited = new Promise((r) => sup.once('exit', r));
      sup.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 20_000)))]);
      clearTimeout(timer);
    }
    for (const pid of pidsOf(out, /(?:server|worker) \d started \(pid (\d+)\)/g)) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    await ds?.destroy().catch(() => undefined);
    await bouncer?.stop();
    await redis?.stop();
    await database?.drop();
    await smtp?.close();
    await stack?.emulator.close();
    build?.remove();
  }, 60_000);

  it('applies every event once, survives a worker kill, and streams each user its events in order to both servers', async () => {
    // the proxy answers for both servers
    const health = await fetch(`http://127.0.0.1:${proxyPort}/api/health`);
    expect(health.status).toBe(200);
    expect(health.headers.get('set-cookie')).toMatch(/collabpay_upstream=[01]/);

    const t0 = Date.now();
    const lap = (what: string) => console.log(`[topology] ${what} at ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const seeded = await seedPendingPayments(ds, { count: DISTINCT, parties: PARTIES, seed: 20261129 });
    const owners: Array<{ id: string; company_id: string; influencer_id: string }> = await ds.query(
      `SELECT id, company_id, influencer_id FROM payments WHERE id = ANY($1)`,
      [seeded.map((s) => s.paymentId)],
    );
    // email on for one company only (the workers send it), off for everyone else (thousands of mails are not the point)
    const mailed = owners[0].company_id;
    await ds.query(
      `INSERT INTO notification_preferences (user_id, kind, email)
       SELECT DISTINCT u, 'payment_held', false FROM unnest($1::uuid[]) u WHERE u <> $2`,
      [owners.flatMap((o) => [o.company_id, o.influencer_id]), mailed],
    );

    // two companies and two influencers, each with one socket on each server
    const watched = [...new Set(owners.map((o) => o.company_id))].slice(0, 2).concat([...new Set(owners.map((o) => o.influencer_id))].slice(0, 2));
    const users: Array<{ id: string; email: string; role: string }> = await ds.query(`SELECT id, email, role FROM users WHERE id = ANY($1)`, [watched]);
    const jwt = new JwtService({ secret: JWT_SECRET });
    const byUser = new Map<string, TestClient[]>();
    for (const u of users) {
      const token = jwt.sign({ sub: u.id, email: u.email, role: u.role, jti: randomUUID() }, { expiresIn: 3600 });
      const pair = [await connectClient(apiUrl(0), token), await connectClient(apiUrl(1), token)];
      clients.push(...pair);
      byUser.set(u.id, pair);
    }

    lap(`${DISTINCT} PENDING payments seeded, ${clients.length} sockets connected`);
    const random = rng(20261129);
    const events = seeded.map((p: SeededPayment) => succeededEvent(p));
    const dups = Array.from({ length: DELIVERIES - DISTINCT }, () => events[Math.floor(random() * events.length)]);
    const deliveries = shuffle([...events, ...dups], random);
    const workerPids = pidsOf(out, /worker \d started \(pid (\d+)\)/g);
    let posted = 0;
    let killed: number | undefined;
    const signed = deliveries.map((d) => ({
      payload: d.payload,
      signature: signer.webhooks.generateTestHeaderString({ payload: d.payload, secret: stack.webhookSecret }),
    }));
    const statuses = await pool(signed, 24, async (d, i) => {
      const r = await fetch(`${apiUrl(i % 2)}/api/payments/webhook`, {
        method: 'POST',
        body: d.payload,
        headers: { 'content-type': 'application/json', 'stripe-signature': d.signature },
      });
      await r.arrayBuffer();
      if (++posted === Math.floor(DELIVERIES / 2)) {
        killed = workerPids[0];
        process.kill(killed, 'SIGKILL');
      }
      return r.status;
    });
    lap(`${DELIVERIES} deliveries posted (${DELIVERIES - DISTINCT} duplicates), worker pid ${killed} killed at half`);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    expect(killed).toBeDefined();

    // every distinct event stored once and applied (the killed worker's jobs retried by the others)
    await eventually(
      async () => {
        const [r] = await ds.query(`SELECT count(*)::int AS total, count(*) FILTER (WHERE status = 'PROCESSED')::int AS done FROM webhook_events`);
        return r.total === DISTINCT && r.done === DISTINCT;
      },
      300_000,
      'every event applied',
    ).catch(async (e) => {
      const inbox = await ds.query(`SELECT status, count(*)::int AS n FROM webhook_events GROUP BY status`);
      throw new Error(`${(e as Error).message}: inbox ${JSON.stringify(inbox)}; output:\n${out.slice(-3000)}`);
    });
    lap('every event applied');
    expect(out).toMatch(new RegExp(`worker 1 \\(pid ${killed}\\) died \\(SIGKILL\\); restarting`));
    expect(pidsOf(out, /worker 1 started \(pid (\d+)\)/g).length).toBeGreaterThanOrEqual(2);

    const ids = seeded.map((s) => s.paymentId);
    const [st] = await ds.query(
      `SELECT count(*) FILTER (WHERE status = 'HELD' AND held_at IS NOT NULL)::int AS held, coalesce(sum(stripe_fee), 0)::bigint AS fees
       FROM payments WHERE id = ANY($1)`,
      [ids],
    );
    expect(st.held).toBe(DISTINCT);
    expect(Number(st.fees)).toBe(seeded.reduce((s, p) => s + p.fee, 0));
    const [je] = await ds.query(`SELECT count(*)::int AS n, count(DISTINCT reference_id)::int AS refs FROM journal_entries WHERE type = 'payment_held'`);
    expect(je).toEqual({ n: DISTINCT, refs: DISTINCT });
    const ledger = new LedgerRepository(ds);
    expect(Number(await ledger.balance('platform:stripe_balance', 'usd'))).toBe(seeded.reduce((s, p) => s + p.amount - p.fee, 0));
    const report = await new LedgerInvariantsService(ledger).check();
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);

    // each watched user: both sockets got every row of theirs, seq 1..n, no gap, no repeat, same order
    for (const [userId, pair] of byUser) {
      const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM outbox_events WHERE user_id = $1`, [userId]);
      expect(n).toBeGreaterThan(0);
      await eventually(() => pair.every((c) => c.received.length >= n), 60_000, `the ${n} events of user ${userId} on both servers`);
      const expected = Array.from({ length: n }, (_, k) => k + 1);
      for (const c of pair) expect(c.seqs()).toEqual(expected);
      expect(pair[0].received.map((r) => r.data.paymentId)).toEqual(pair[1].received.map((r) => r.data.paymentId));
    }

    lap('both sockets of every watched user complete and in order');
    // the workers sent the one company's mail (one per payment, however often its event was delivered)
    const [{ address }] = await ds.query(`SELECT email AS address FROM users WHERE id = $1`, [mailed]);
    const expectedMails = owners.filter((o) => o.company_id === mailed).length;
    // a mail the killed worker sent but had not marked SENT is sent again, with the same Message-ID (one per row)
    const distinctMails = () => new Set(smtp.to(address).map((m) => m.messageId)).size;
    await eventually(() => distinctMails() >= expectedMails, 120_000, `${expectedMails} payment_held mails`).catch((e) => {
      throw new Error(`${(e as Error).message} (${distinctMails()} received)`);
    });
    expect(distinctMails()).toBe(expectedMails);
    expect(smtp.mails.filter((m) => !m.to.includes(address))).toEqual([]);

    lap(`${expectedMails} mails received`);
    // PgBouncer carried the application's connections
    const pools = (await bouncer.show('POOLS')).filter((p) => p.database === database.name);
    expect(pools.length).toBeGreaterThan(0);
    expect((await bouncer.show('CONFIG')).find((c) => c.key === 'pool_mode')?.value).toBe('transaction');
  }, 900_000);
});
