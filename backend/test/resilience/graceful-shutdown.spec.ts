import Bull from 'bull';
import { Client } from 'pg';
import { io, Socket } from 'socket.io-client';
import Stripe from 'stripe';
import { QUEUES } from '../../src/common/queue/queue.module';
import { startStripeEmulator, StripeEmulator } from '@collabpay/stripe-emulator';
import { createTestDatabase } from '../support/database';
import { TEST_REDIS_URL } from '../support/env';
import { HttpClient } from '../support/http';
import { eventually } from '../support/test-app';
import { sign } from '../webhooks/support/events';
import { buildServer, freePort } from '../webhooks/support/processes';
import { acceptsConnections, ServerProcess, spawnServer } from './support/server-process';
import { SlowProxy, startSlowProxy } from './support/slow-proxy';

/** How long the slow Stripe holds every call once the shutdown scenario starts. */
const STRIPE_DELAY_MS = 2500;

describe('graceful shutdown (compiled server in its own process, SIGTERM under load)', () => {
  let build: ReturnType<typeof buildServer>;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let emulator: StripeEmulator;
  let proxy: SlowProxy;
  let server: ServerProcess;
  let port: number;
  let socket: Socket | undefined;
  const queuePrefix = `cptest:${process.env.COLLABPAY_TEST_RUN_ID}:${process.pid}:graceful`;
  const webhookSecret = 'whsec_test_graceful_' + Math.random().toString(36).slice(2);

  beforeAll(async () => {
    build = buildServer('graceful');
    database = await createTestDatabase('graceful');
    emulator = await startStripeEmulator({ port: 0 });
    // the server reaches Stripe through a proxy that can make every call slow
    proxy = await startSlowProxy(emulator.url);
    port = await freePort();
    server = await spawnServer(
      build.dir,
      {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'test',
        PORT: String(port),
        HOST: '127.0.0.1',
        DATABASE_URL: database.url,
        SKIP_MIGRATIONS: 'true', // cloned from the migrated template
        REDIS_URL: TEST_REDIS_URL,
        QUEUE_PREFIX: queuePrefix,
        STRIPE_SECRET_KEY: emulator.secretKey,
        STRIPE_PUBLISHABLE_KEY: emulator.publishableKey,
        STRIPE_WEBHOOK_SECRET: webhookSecret,
        STRIPE_CONNECT_WEBHOOK_SECRET: webhookSecret + '_connect',
        STRIPE_API_BASE: proxy.url,
        SEED_DEMO: 'false',
        SERVE_SPA: 'false',
        LOG_FORMAT: 'json',
        LOG_LEVEL: 'info',
        AUTH_RATE_LIMIT: '100000',
        WEBHOOK_RECONCILE_INTERVAL_MS: '0',
      },
      port,
    );
  }, 120_000);

  afterAll(async () => {
    socket?.close();
    if (server && server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
    await server?.exited;
    await proxy?.close();
    await emulator?.close();
    await database?.drop();
    build?.remove();
  });

  it('drains in-flight requests, webhook jobs and sockets on SIGTERM, refuses new connections and exits 0', async () => {
    const http = new HttpClient(server.baseUrl);
    const stripe = new Stripe(emulator.secretKey, { ...emulator.sdkOptions(), maxNetworkRetries: 0 });
    const register = async (role: 'company' | 'influencer') => {
      const email = `${role}-${Math.random().toString(36).slice(2, 10)}@test.collabpay.dev`;
      const r = await http.post('/api/auth/register', { email, password: 'correct-horse-battery', name: `Graceful ${role}`, role });
      expect(r.status).toBe(201);
      return { id: r.body.user.id as string, token: r.body.accessToken as string };
    };
    const company = await register('company');
    const influencer = await register('influencer');
    const propose = async (title: string) => {
      const r = await http.post('/api/collaborations', { influencerId: influencer.id, title, amount: 25_000, currency: 'usd' }, { token: company.token });
      expect(r.status).toBe(201);
      return r.body.id as string;
    };

    // a paid intent whose `payment_intent.succeeded` the server will process during the shutdown; its handler
    // re-reads the intent from Stripe inside the job's transaction (slow by then)
    const paidCollab = await propose('Paid before the shutdown');
    const accepted = await http.post(`/api/collaborations/${paidCollab}/accept`, {}, { token: influencer.token });
    expect(accepted.status).toBe(200);
    const paidPaymentId = accepted.body.paymentInfo.paymentId as string;
    const intent = await http.post('/api/payments/create-intent', { collaborationId: paidCollab }, { token: company.token });
    expect(intent.status).toBe(201);
    const piId = intent.body.payment.stripePaymentIntentId as string;
    await stripe.paymentIntents.confirm(piId, { payment_method: 'pm_card_visa', return_url: 'http://localhost/return' });
    const events = await stripe.events.list({ type: 'payment_intent.succeeded', limit: 10 });
    const succeeded = events.data.find((e) => (e.data.object as Stripe.PaymentIntent).id === piId)!;
    expect(succeeded).toBeDefined();
    const payload = JSON.stringify(succeeded);

    // four collaborations whose acceptance (a PaymentIntent created at Stripe) will be in flight
    const pending = await Promise.all([1, 2, 3, 4].map((i) => propose(`In flight ${i}`)));

    // a dashboard connected to /payments
    socket = io(`${server.baseUrl}/payments`, { auth: { token: company.token }, transports: ['websocket'], reconnection: false, forceNew: true });
    await new Promise<void>((res, rej) => {
      socket!.once('connect', () => res());
      socket!.once('connect_error', rej);
    });
    let disconnected: { reason: string; at: number } | undefined;
    socket.on('disconnect', (reason) => (disconnected = { reason, at: Date.now() }));

    // load: Stripe answers in 2.5 s from now on
    proxy.delayMs = STRIPE_DELAY_MS;
    const before = proxy.seen.length;
    const inFlight = pending.map((id) =>
      http.post(`/api/collaborations/${id}/accept`, {}, { token: influencer.token }).then((r) => ({ status: r.status, body: r.body, at: Date.now() })),
    );
    const delivery = await http.request('POST', '/api/payments/webhook', undefined, {
      raw: payload,
      headers: { 'content-type': 'application/json', 'stripe-signature': sign(payload, webhookSecret) },
    });
    expect(delivery.status).toBe(200);
    // the four accepts and the webhook job are all waiting on Stripe
    await eventually(() => proxy.inFlight >= 5, 5000, 'four accepts and one webhook job waiting on Stripe');
    const stripeCalls = proxy.seen.slice(before);
    expect(stripeCalls.filter((c) => c.startsWith(`GET /v1/payment_intents/${piId}`))).toHaveLength(1);
    const jobState = async () => {
      const q = new Bull(QUEUES.webhooks, TEST_REDIS_URL, { prefix: queuePrefix });
      try {
        const job = await q.getJob(succeeded.id);
        return { state: job ? await job.getState() : 'missing', counts: await q.getJobCounts() };
      } finally {
        await q.close();
      }
    };
    expect((await jobState()).state).toBe('active');

    const sigterm = Date.now();
    server.child.kill('SIGTERM');
    // the listener closes at once: a new connection is refused while the requests in flight are still running
    await new Promise((r) => setTimeout(r, 500));
    const refusedWhileDraining = !(await acceptsConnections(port));
    const checkedAt = Date.now();

    const answers = await Promise.all(inFlight);
    let timer: NodeJS.Timeout | undefined;
    const exit = await Promise.race([server.exited, new Promise<null>((r) => (timer = setTimeout(() => r(null), 20_000)))]);
    clearTimeout(timer);

    // in one comparison, so that a failure shows every symptom at once
    expect({
      // the requests in flight completed (after Stripe answered), each with its PaymentIntent stored (checked below)
      answers: answers.map((a) => a.status),
      answeredAfterStripe: answers.every((a) => a.at - sigterm >= STRIPE_DELAY_MS - 1000),
      // the listener closed at once: a new connection was refused while those requests were still running
      pendingAtCheck: answers.filter((a) => a.at > checkedAt).length,
      refusedWhileDraining,
      // the socket was disconnected by the server before it exited
      socketDisconnected: !!disconnected && !!exit && disconnected.at <= exit.at,
      // the process exited by itself, with code 0, within 15 s
      exit: exit && { code: exit.code, signal: exit.signal, within15s: exit.at - sigterm < 15_000 },
    }).toEqual({
      answers: [200, 200, 200, 200],
      answeredAfterStripe: true,
      pendingAtCheck: 4,
      refusedWhileDraining: true,
      socketDisconnected: true,
      exit: { code: 0, signal: null, within15s: true },
    });
    expect(await acceptsConnections(port)).toBe(false);

    // the webhook job in flight finished: its event is applied, its job completed (nothing left active or waiting)
    const db = new Client({ connectionString: database.url });
    await db.connect();
    try {
      const inbox = await db.query(`SELECT status FROM webhook_events WHERE id = $1`, [succeeded.id]);
      expect(inbox.rows).toEqual([{ status: 'PROCESSED' }]);
      const paid = await db.query(`SELECT status FROM payments WHERE id = $1`, [paidPaymentId]);
      expect(paid.rows).toEqual([{ status: 'HELD' }]);
      const intents = await db.query(`SELECT count(*)::int AS n FROM payments WHERE collaboration_id = ANY($1) AND stripe_payment_intent_id IS NOT NULL`, [
        pending,
      ]);
      expect(intents.rows[0].n).toBe(4);
    } finally {
      await db.end();
    }
    const job = await jobState();
    expect(job.state).toBe('completed');
    expect(job.counts).toMatchObject({ active: 0, waiting: 0 });

    // structured logs: the shutdown announced and completed, and nothing logged as an error on the way
    const logs = server.logs();
    expect(logs.map((l) => l.message)).toEqual(expect.arrayContaining([expect.stringMatching(/^SIGTERM received/), 'shutdown complete']));
    expect(logs.filter((l) => l.level === 'error' || l.level === 'fatal')).toEqual([]);
    console.log(
      `[graceful shutdown] SIGTERM with 4 requests and 1 webhook job waiting ${STRIPE_DELAY_MS} ms on Stripe and 1 socket: ` +
        `new connections refused after 500 ms; requests answered 200 after ${Math.max(...answers.map((a) => a.at - sigterm))} ms; ` +
        `socket disconnected after ${disconnected!.at - sigterm} ms (${disconnected!.reason}); exit ${exit!.code} after ${exit!.at - sigterm} ms`,
    );
  }, 60_000);
});
