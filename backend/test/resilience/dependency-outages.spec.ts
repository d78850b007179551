import { eventually } from '../support/test-app';
import { buildServer, freePort, startRedis } from '../webhooks/support/processes';
import { Actor, Driver, serverEnv, sleep, startEmulator } from './support/outage-stack';
import { PrivatePostgres, startPrivatePostgres } from './support/private-postgres';
import { ServerProcess, spawnServer } from './support/server-process';

/** The number: each dependency stays away this long while the load runs. */
const OUTAGE_MS = Number(process.env.OUTAGE_MS ?? 30_000);

interface Answer {
  what: string;
  status: number;
  code?: string;
}

/**
 * A compiled server in its own process on its own PostgreSQL and Redis (never the shared ones). Each dependency
 * is stopped for OUTAGE_MS under a bounded load of API calls, sign-ins and Stripe webhooks: the process must
 * never exit, answer nothing but 2xx/4xx and the documented 503 SERVICE_UNAVAILABLE, and once the dependency is
 * back (without a restart of the server) lose nothing: every event applied, the ledger clean, sockets resynced.
 */
describe('dependency outages (compiled server, private PostgreSQL and Redis)', () => {
  let build: ReturnType<typeof buildServer>;
  let pg: PrivatePostgres;
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let redisPort: number;
  let stack: Awaited<ReturnType<typeof startEmulator>>;
  let server: ServerProcess;
  let d: Driver;
  let company: Actor;
  let influencer: Actor;
  let admin: Actor;

  beforeAll(async () => {
    build = buildServer('outages');
    pg = await startPrivatePostgres('outages', ['collabpay']);
    redisPort = await freePort();
    redis = await startRedis(redisPort);
    stack = await startEmulator();
    const env = serverEnv({
      port: stack.port,
      databaseUrl: pg.url('collabpay'),
      redisUrl: `redis://127.0.0.1:${redisPort}`,
      emulator: stack.emulator,
      webhookSecret: stack.webhookSecret,
      label: `deps-${process.pid}`,
    });
    server = await spawnServer(build.dir, env, stack.port, 60_000); // migrations run at boot on the empty database
    d = new Driver(server.baseUrl, stack.emulator, stack.webhookSecret, pg.url('collabpay'));
    company = await d.register('company');
    influencer = await d.register('influencer');
    admin = await d.admin();
  }, 120_000);

  afterAll(async () => {
    if (server && server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
    await server?.exited;
    await redis?.stop();
    await pg?.destroy();
    await stack?.emulator.close();
    build?.remove();
  });

  const alive = () => server.child.exitCode === null && server.child.signalCode === null;
  const record = (answers: Answer[], what: string) => (r: { status: number; body?: any }) => {
    answers.push({ what, status: r.status, code: r.body?.code });
    return r;
  };
  const unexpected = (answers: Answer[], allowed: (a: Answer) => boolean) => answers.filter((a) => !allowed(a));
  const processedCount = async (ids: string[]) =>
    (await d.sql<{ n: number }>(`SELECT count(*)::int AS n FROM webhook_events WHERE id = ANY($1) AND status IN ('PROCESSED', 'IGNORED')`, [ids]))[0].n;
  const paymentStatuses = async (ids: string[]) =>
    (await d.sql<{ status: string }>(`SELECT status FROM payments WHERE id = ANY($1)`, [ids])).map((r) => r.status);

  it(`Redis stopped for ${OUTAGE_MS / 1000} s: no crash, sign-in fails closed, webhooks stored and applied after, sockets resync`, async () => {
    const dash = await d.socket(company);
    const paid: Array<{ paymentId: string; piId: string }> = [];
    for (let i = 0; i < 5; i++) paid.push(await d.paidAtStripe(company, influencer, 10_000 + i));
    const events = await d.eventsOf(paid.map((p) => p.piId));
    expect(events.length).toBeGreaterThanOrEqual(paid.length);
    // the dashboard loses its connection with the outage (as a client on another instance would lose its events)
    await eventually(() => dash.seqs.size > 0, 10_000, 'live events before the outage');
    const seenBefore = Math.max(0, ...dash.seqs);
    dash.socket.close();
    await redis.stop();
    const answers: Answer[] = [];
    const t0 = Date.now();
    let i = 0;
    while (Date.now() - t0 < OUTAGE_MS) {
      // an accept emits a realtime event through the Redis adapter: this is what killed the process
      const p = record(
        answers,
        'propose',
      )(
        await d.http.post(
          '/api/collaborations',
          { influencerId: influencer.id, title: `During ${i}`, amount: 5000 + i, currency: 'usd' },
          { token: company.token },
        ),
      );
      if (p.status === 201) record(answers, 'accept')(await d.http.post(`/api/collaborations/${p.body.id}/accept`, {}, { token: influencer.token }));
      record(answers, 'list')(await d.http.get('/api/collaborations', { token: company.token }));
      record(answers, 'login')(await d.http.post('/api/auth/login', { email: 'nobody@test.collabpay.dev', password: 'correct-horse-battery' }));
      for (const e of events.slice(i * 4, i * 4 + 4)) record(answers, 'webhook')(await d.deliver(e));
      record(answers, 'health')(await d.http.get('/api/health'));
      i++;
      await sleep(300);
    }
    expect(alive()).toBe(true);
    redis = await startRedis(redisPort); // an empty Redis: the queue lost everything, the inbox did not
    await eventually(async () => (await d.http.get('/api/health')).status === 200, 20_000, 'health 200 once Redis is back');
    const recovered = Date.now();

    // nothing but 2xx, the documented 503s, and the Stripe 502 nobody expects here
    expect(unexpected(answers, (a) => (a.status === 503 ? a.code === 'SERVICE_UNAVAILABLE' || a.what === 'health' : a.status > 0 && a.status < 500))).toEqual(
      [],
    );
    // sign-in fails closed (503), never open, while Redis is away
    const logins = answers.filter((a) => a.what === 'login');
    expect(logins.length).toBeGreaterThan(5);
    expect(logins.every((a) => a.status === 503 && a.code === 'SERVICE_UNAVAILABLE')).toBe(true);
    // the rest of the API keeps working from PostgreSQL
    expect(answers.filter((a) => a.what === 'accept' && a.status === 200).length).toBeGreaterThan(5);
    expect(answers.filter((a) => a.what === 'webhook').map((a) => a.status)).toEqual(events.map(() => 200));
    // and sign-in is open again
    expect((await d.http.post('/api/auth/login', { email: 'nobody@test.collabpay.dev', password: 'correct-horse-battery' })).status).toBe(401);

    // every stored event is enqueued once Redis is back, and applied
    await eventually(async () => (await processedCount(events.map((e) => e.id))) === events.length, 30_000, 'every event applied after Redis returned');
    await eventually(async () => (await paymentStatuses(paid.map((p) => p.paymentId))).every((s) => s === 'HELD'), 10_000, 'payments held');
    const appliedMs = Date.now() - recovered;
    expect(await d.ledgerIsClean(admin)).toBe(true);

    // the dashboard reconnects and resyncs from the last seq it saw: it then has every event of its user, no gap
    const back = await d.socket(company);
    await back.sync(seenBefore);
    const seqs = (await d.sql<{ seq: string }>(`SELECT seq FROM outbox_events WHERE user_id = $1 AND seq > $2 ORDER BY seq`, [company.id, seenBefore])).map(
      (r) => Number(r.seq),
    );
    expect(seqs.length).toBeGreaterThan(10); // the accepts and payments during and after the outage
    expect(seqs.filter((s) => !back.seqs.has(s))).toEqual([]);
    back.socket.close();
    expect(alive()).toBe(true);
    console.log(
      `[redis outage] ${OUTAGE_MS} ms down, ${answers.length} calls (${answers.filter((a) => a.status === 503).length} × 503, ${answers.filter((a) => a.what === 'accept' && a.status === 200).length} accepts), ` +
        `${events.length} webhooks stored during it, all applied ${appliedMs} ms after Redis returned; ${seqs.length} socket events resynced`,
    );
  }, 150_000);

  it(`PostgreSQL stopped for ${OUTAGE_MS / 1000} s: 503 SERVICE_UNAVAILABLE everywhere, recovers alone, nothing lost`, async () => {
    const paid: Array<{ paymentId: string; piId: string }> = [];
    for (let i = 0; i < 4; i++) paid.push(await d.paidAtStripe(company, influencer, 20_000 + i));
    const events = await d.eventsOf(paid.map((p) => p.piId));
    await pg.stop();
    const answers: Answer[] = [];
    const t0 = Date.now();
    let i = 0;
    while (Date.now() - t0 < OUTAGE_MS) {
      record(
        answers,
        'propose',
      )(
        await d.http.post(
          '/api/collaborations',
          { influencerId: influencer.id, title: `Down ${i}`, amount: 6000 + i, currency: 'usd' },
          { token: company.token },
        ),
      );
      record(answers, 'list')(await d.http.get('/api/collaborations', { token: company.token }));
      record(answers, 'payments')(await d.http.get(`/api/payments/${paid[0].paymentId}`, { token: company.token }));
      record(answers, 'login')(await d.http.post('/api/auth/login', { email: 'nobody@test.collabpay.dev', password: 'correct-horse-battery' }));
      record(answers, 'webhook')(await d.deliver(events[i % events.length]));
      record(answers, 'health')(await d.http.get('/api/health'));
      i++;
      await sleep(300);
    }
    expect(alive()).toBe(true);
    await pg.start();
    await eventually(async () => (await d.http.get('/api/health')).status === 200, 30_000, 'health 200 once PostgreSQL is back');

    // every call needed the database: each one a clean 503 with the stable code (health: 503 with its report)
    expect(answers.length).toBeGreaterThan(30);
    expect(unexpected(answers, (a) => a.status === 503 && (a.code === 'SERVICE_UNAVAILABLE' || a.what === 'health'))).toEqual([]);

    // Stripe retries the refused deliveries: accepted now, applied, nothing lost or doubled
    for (const e of events) expect((await d.deliver(e)).status).toBe(200);
    await eventually(async () => (await processedCount(events.map((e) => e.id))) === events.length, 30_000, 'every event applied after PostgreSQL returned');
    await eventually(async () => (await paymentStatuses(paid.map((p) => p.paymentId))).every((s) => s === 'HELD'), 10_000, 'payments held');
    const after = await d.paidAtStripe(company, influencer, 7777);
    expect(after.paymentId).toEqual(expect.any(String));
    expect(await d.ledgerIsClean(admin)).toBe(true);
    expect(alive()).toBe(true);
    console.log(`[postgres outage] ${OUTAGE_MS} ms down, ${answers.length} calls all answered 503; ${events.length} events applied after it returned`);
  }, 150_000);
});
