import type Stripe from 'stripe';
import { createLogger } from '../../src/common/logging/logger';
import { expectLedgerClean, proposeAndAccept } from '../support/flows';
import { createTestContext, eventually, TestContext } from '../support/test-app';
import { WebhookHandlerRegistry } from '../../src/modules/webhooks/webhook-handler.registry';
import { deliver, paymentStream, pool, rng, shuffle } from '../webhooks/support/events';
import { PaymentRun, recordPaymentEvents, stripeDeliveries, wrongFinalStates } from '../webhooks/support/payment-scenarios';
import { registerTestHandlers, TEST_SCHEMA } from '../webhooks/support/test-handlers';
import { PrivatePostgres, startPrivatePostgres } from './support/private-postgres';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Phase = 'before' | 'outage' | 'after';
interface Answer {
  id: string;
  status: number; // 0: no HTTP answer at all (connection refused or reset)
  /** The phase when the delivery was sent, and when its answer came. */
  sent: Phase;
  answered: Phase;
  ms: number;
}

/** Every event Stripe recorded since `since` (unix seconds). */
async function stripeEventsSince(ctx: TestContext, since: number): Promise<Stripe.Event[]> {
  return ctx.stripe.events.list({ created: { gte: since }, limit: 100 }).autoPagingToArray({ limit: 10_000 });
}

/** Delivers until the endpoint answers 2xx, as Stripe's retries would. */
async function deliverUntilAccepted(ctx: TestContext, d: { payload: string; secret: string }): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    const res = await deliver(ctx, d, { secret: d.secret }).catch(() => ({ status: 0 }));
    if (res.status >= 200 && res.status < 300) return attempt;
    if (attempt >= 20) throw new Error(`delivery still refused after ${attempt} attempts: ${res.status}`);
    await sleep(250);
  }
}

/** Retries an API call the way a client would while the server answers 5xx (or not at all). */
async function retrying<T>(what: string, fn: () => Promise<T>, failures: { n: number }): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      failures.n++;
      if (attempt >= 60) throw new Error(`${what} kept failing: ${(e as Error).message}`, { cause: e });
      await sleep(250);
    }
  }
}

describe('PostgreSQL restarted under load (private PostgreSQL, real server, Redis and Stripe emulator)', () => {
  let pg: PrivatePostgres;
  let ctx: TestContext;

  beforeAll(async () => {
    pg = await startPrivatePostgres('pgrestart', ['collabpay']);
    // migrations run at boot against the empty database
    ctx = await createTestContext({
      label: 'pgrestart',
      databaseUrl: pg.url('collabpay'),
      env: {
        WEBHOOK_SWEEP_INTERVAL_MS: '1000',
        WEBHOOK_STALE_MS: '3000',
        WEBHOOK_RECONCILE_INTERVAL_MS: '0',
        WEBHOOK_BACKOFF_MS: '500',
        WEBHOOK_CONCURRENCY: '4',
      },
    });
    // test events whose handler holds its transaction open (pg_sleep) and counts its effects
    await ctx.db.query(TEST_SCHEMA);
    registerTestHandlers(ctx.app.get(WebhookHandlerRegistry));
  }, 60_000);

  afterAll(async () => {
    await ctx?.close();
    await pg?.destroy();
  });

  it('answers 503 while the database is down, recovers its pool by itself and applies every event exactly once', async () => {
    const t0 = Date.now();
    const since = Math.floor(Date.now() / 1000) - 2;
    const company = await ctx.user('company', 'Restart Co');
    const influencer = await ctx.user('influencer', 'Restart Creator');
    // 40 real payments; Stripe (the emulator) records their events but does not deliver them
    const recorded = await recordPaymentEvents(ctx, company, influencer, 40, 'PgRestart');
    const tRecorded = Date.now();
    // mixed with 40 test payments x 5 versions whose handler runs 20 ms inside the transaction
    const secret = ctx.config.stripe.webhookSecret;
    const tests = paymentStream({ payments: 40, perPayment: 5, dupRate: 0.3, seed: 11, sleepMs: 20, prefix: 'pgr' });
    const deliveries = shuffle([...stripeDeliveries(ctx, recorded.events, 0.3, 5432), ...tests.deliveries.map((d) => ({ ...d, secret }))], rng(3));
    // and 8 events sent just before the stop, each 1 s in its transaction: they are cut off mid-transaction
    const burst = paymentStream({ payments: 8, perPayment: 1, dupRate: 0, seed: 12, sleepMs: 1000, prefix: 'cut' });
    const sleepingTransactions = async () =>
      (
        await ctx.db.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND query LIKE '%pg_sleep%' AND pid <> pg_backend_pid()`,
        )
      )[0].n as number;

    let phase: Phase = 'before';
    const answers: Answer[] = [];
    let sent = 0;
    // a paced stream (~35 deliveries/s), so that it runs before, through and after the outage
    const stream = pool(deliveries, 4, async (d) => {
      const t = Date.now();
      const at = phase;
      const res = await deliver(ctx, d, { secret: d.secret }).catch(() => ({ status: 0 }));
      answers.push({ id: d.id, status: res.status, sent: at, answered: phase, ms: Date.now() - t });
      sent++;
      await sleep(110);
    });

    // meanwhile, new collaborations go through the API the way a client would (retrying 5xx)
    const live: { failures: { n: number }; runs: PaymentRun[] } = { failures: { n: 0 }, runs: [] };
    let streaming = true;
    const liveFlow = (async () => {
      for (let i = 0; streaming || i < 3; i++) {
        const { collaboration, paymentId } = await retrying(
          'propose/accept',
          () => proposeAndAccept(ctx, company, influencer, { amount: 9000 + i, title: `Live ${i}` }),
          live.failures,
        );
        live.runs.push({ paymentId, scenario: 'paid' });
        const intent = await retrying(
          'create-intent',
          async () => {
            const r = await ctx.http.post('/api/payments/create-intent', { collaborationId: collaboration.id }, { token: company.token });
            if (r.status !== 201) throw new Error(`create-intent ${r.status}`);
            return r.body as { payment: { stripePaymentIntentId: string } };
          },
          live.failures,
        );
        await ctx.stripe.paymentIntents.confirm(intent.payment.stripePaymentIntentId, {
          payment_method: 'pm_card_visa',
          return_url: 'http://localhost/return',
        });
        await retrying(
          'confirm',
          async () => {
            const r = await ctx.http.post(`/api/payments/${paymentId}/confirm`, {}, { token: company.token });
            if (r.status !== 200) throw new Error(`confirm ${r.status}`);
          },
          live.failures,
        );
        await sleep(100);
      }
    })();

    // the outage: a fast shutdown of PostgreSQL (every connection of the pool is terminated) once a quarter is sent
    await eventually(() => sent >= deliveries.length / 4, 30_000, 'a quarter of the deliveries sent');
    const burstAnswers = await pool(burst.deliveries, 8, (d) => deliver(ctx, d));
    expect(burstAnswers.map((a) => a.status)).toEqual(burst.deliveries.map(() => 200));
    const cutOff = await eventually(sleepingTransactions, 5000, 'burst events in flight');
    // (the errors the server logs while its database is away are expected: not printed)
    ctx.app.useLogger(false);
    phase = 'outage';
    await pg.stop();
    const tDown = Date.now();
    const healthDuringOutage: Array<{ status: number; database: string; redis: string }> = [];
    while (Date.now() - tDown < 4000) {
      const h = await ctx.http.get('/api/health');
      healthDuringOutage.push({ status: h.status, database: h.body?.info?.database?.status, redis: h.body?.info?.redis?.status });
      await sleep(500);
    }
    await pg.start();
    phase = 'after';
    const tUp = Date.now();
    // the pool reconnects by itself: no restart of the server, no call to it
    await eventually(async () => (await ctx.http.get('/api/health')).status === 200, 20_000, 'health 200 after the restart');
    const recoveredMs = Date.now() - tUp;
    ctx.app.useLogger(createLogger(ctx.config));

    await stream;
    streaming = false;
    await liveFlow;

    expect(healthDuringOutage.length).toBeGreaterThanOrEqual(4);
    expect(healthDuringOutage.every((h) => h.status === 503 && h.database === 'down' && h.redis === 'up')).toBe(true);

    // every delivery got an HTTP answer (the process never went away), in bounded time, 200 unless the database was away
    expect(answers).toHaveLength(deliveries.length);
    expect(answers.filter((a) => a.status === 0)).toEqual([]);
    expect(answers.filter((a) => a.status !== 200 && a.status < 500)).toEqual([]);
    expect(answers.filter((a) => a.answered === 'before' && a.status !== 200)).toEqual([]);
    expect(Math.max(...answers.map((a) => a.ms))).toBeLessThan(10_000);
    expect(answers.filter((a) => a.sent === 'after' && a.status !== 200)).toEqual([]);
    const refused = answers.filter((a) => a.status !== 200);
    expect(refused.filter((a) => a.sent === 'outage').length).toBeGreaterThan(10); // the outage did hit the stream

    // Stripe retries what was not acknowledged; every event of the live payments (recorded while the database
    // was down, too) is delivered as well
    const byId = new Map(deliveries.map((d) => [d.id, d]));
    const retried = [...new Set(refused.map((a) => a.id))];
    const retryAttempts = await pool(retried, 4, (id) => deliverUntilAccepted(ctx, byId.get(id)!));
    expect(Math.max(0, ...retryAttempts)).toBeLessThanOrEqual(1); // the database is back: accepted at once
    const liveEvents = (await stripeEventsSince(ctx, since)).filter((e) => !byId.has(e.id));
    await pool(stripeDeliveries(ctx, liveEvents, 0, 1), 4, (d) => deliverUntilAccepted(ctx, d));
    const eventIds = new Set([...byId.keys(), ...burst.events.map((e) => e.id), ...liveEvents.map((e) => e.id)]);

    // every event applied exactly once: nothing stuck, nothing FAILED
    const inboxStatus = async () =>
      new Map<string, string>((await ctx.db.query(`SELECT id, status FROM webhook_events`)).map((r: { id: string; status: string }) => [r.id, r.status]));
    await eventually(
      async () => [...(await inboxStatus()).values()].every((s) => s === 'PROCESSED' || s === 'IGNORED'),
      45_000,
      'every stored event processed after the restart',
    );
    const inbox = await inboxStatus();
    expect([...eventIds].filter((id) => !inbox.has(id))).toEqual([]);
    expect([...inbox.entries()].filter(([, s]) => s !== 'PROCESSED' && s !== 'IGNORED')).toEqual([]);

    // one effect per test event: the transactions cut off by the shutdown were rolled back and applied again once
    const effects = await ctx.db.query(`SELECT count(*)::int AS n, count(DISTINCT event_id)::int AS distinct FROM test_effects`);
    const testEvents = tests.events.length + burst.events.length;
    expect(effects[0]).toEqual({ n: testEvents, distinct: testEvents });
    const expected = new Map([...tests.expected, ...burst.expected]);
    const testRows: { id: string; status: string; applied: number }[] = await ctx.db.query(`SELECT id, status, applied FROM test_payments`);
    expect(testRows).toHaveLength(expected.size);
    expect(testRows.filter((r) => r.status !== expected.get(r.id) || r.applied !== (r.id.startsWith('cut') ? 1 : 5))).toEqual([]);

    // every payment in the state its Stripe history leads to, the ledger balanced (an event applied twice would not be)
    expect(await wrongFinalStates(ctx, recorded.runs)).toEqual([]);
    expect(live.runs.length).toBeGreaterThanOrEqual(3);
    expect(await wrongFinalStates(ctx, live.runs)).toEqual([]);
    await expectLedgerClean(ctx);

    // the pool's connections (all opened after the restart) carry no session setting left by an earlier user
    const sessions: Array<Array<{ lockTimeout: string; statementTimeout: string }>> = await Promise.all(
      Array.from({ length: 20 }, () =>
        ctx.db.query(`SELECT current_setting('lock_timeout') AS "lockTimeout", current_setting('statement_timeout') AS "statementTimeout", pg_sleep(0.05)`),
      ),
    );
    expect(sessions.map(([r]) => `${r.lockTimeout}/${r.statementTimeout}`).filter((s) => s !== '0/0')).toEqual([]);

    // and the same process keeps serving reads and writes
    expect((await ctx.http.get('/api/health')).status).toBe(200);
    const after = await proposeAndAccept(ctx, company, influencer, { amount: 4321, title: 'After the restart' });
    expect(after.paymentId).toEqual(expect.any(String));

    const outageAnswers = answers.filter((a) => a.sent === 'outage');
    console.log(
      `[postgres restart] ${recorded.runs.length} payments recorded in ${tRecorded - t0} ms + ${tests.expected.size} test payments; ` +
        `${eventIds.size} events (${deliveries.length} deliveries, 30% duplicates, shuffled); ${cutOff} transactions cut off by the stop; PostgreSQL down ${tUp - tDown} ms: ${outageAnswers.length} deliveries during it ` +
        `(${outageAnswers.filter((a) => a.status !== 200).length} refused, statuses ${[...new Set(refused.map((a) => a.status))].join('/')}), ` +
        `health 503 x${healthDuringOutage.length}; pool healthy ${recoveredMs} ms after the start; ${retried.length} events redelivered ` +
        `(max ${Math.max(0, ...retryAttempts)} attempts); ${live.runs.length} live payments (${live.failures.n} retried API calls); total ${Date.now() - t0} ms`,
    );
  }, 90_000);
});
