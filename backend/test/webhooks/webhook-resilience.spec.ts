import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import { QUEUES } from '../../src/common/queue/queue.module';
import { WebhookHandlerRegistry } from '../../src/modules/webhooks/webhook-handler.registry';
import { WebhookProcessor } from '../../src/modules/webhooks/webhook.processor';
import { expectLedgerClean } from '../support/flows';
import { createTestContext, eventually, TestContext } from '../support/test-app';
import { deliver, paymentStream, pool } from './support/events';
import { deliverAll, recordPaymentEvents, stripeDeliveries, wrongFinalStates } from './support/payment-scenarios';
import { buildServer, freePort, killHard, spawnWorker, startRedis, workerEnv, WorkerProcess } from './support/processes';
import { registerTestHandlers, TEST_SCHEMA } from './support/test-handlers';

async function expectExactlyOnce(ctx: TestContext, stream: ReturnType<typeof paymentStream>) {
  const inbox = await ctx.db.query(`SELECT status, count(*)::int AS n FROM webhook_events WHERE type = 'test_payment.updated' GROUP BY status`);
  expect(inbox).toEqual([{ status: 'PROCESSED', n: stream.events.length }]);
  const effects = await ctx.db.query(`SELECT count(*)::int AS n, count(DISTINCT event_id)::int AS distinct FROM test_effects`);
  expect(effects[0]).toEqual({ n: stream.events.length, distinct: stream.events.length });
  const rows: { id: string; status: string; applied: number }[] = await ctx.db.query(`SELECT id, status, applied FROM test_payments`);
  const perPayment = stream.events.length / stream.expected.size;
  expect(rows).toHaveLength(stream.expected.size);
  const wrong = rows.filter((r) => r.status !== stream.expected.get(r.id) || r.applied !== perPayment);
  expect(wrong).toEqual([]);
}

const countDone = async (ctx: TestContext): Promise<number> =>
  (await ctx.db.query(`SELECT count(*)::int AS n FROM webhook_events WHERE status IN ('PROCESSED', 'IGNORED')`))[0].n;

describe('webhook pipeline resilience (separate worker processes, SIGKILL, Redis outage)', () => {
  describe('a worker killed with SIGKILL mid-stream', () => {
    let ctx: TestContext;
    let build: ReturnType<typeof buildServer>;
    const workers: WorkerProcess[] = [];

    beforeAll(async () => {
      build = buildServer('webhook-worker');
      // API only: the processor runs in two `npm run worker`-like processes
      ctx = await createTestContext({
        label: 'whkill',
        env: {
          RUN_WORKER: 'false',
          WEBHOOK_FLUSH_JOBS: 'true',
          WEBHOOK_SWEEP_INTERVAL_MS: '1000',
          WEBHOOK_STALE_MS: '3000',
          WEBHOOK_RECONCILE_INTERVAL_MS: '0',
        },
      });
      await ctx.db.query(TEST_SCHEMA);
    }, 120_000);
    afterAll(async () => {
      await Promise.all(workers.map((w) => killHard(w)));
      await ctx?.close();
      build?.remove();
    });

    it('does not register the processor on an API-only instance', () => {
      expect(ctx.app.get(WebhookProcessor).isRunning).toBe(false);
    });

    it('ends with every event applied exactly once after one of two workers is SIGKILLed and restarted', async () => {
      // real payments: Stripe's events for 80 payments, recorded but not delivered yet
      const company = await ctx.user('company', 'Kill Co');
      const influencer = await ctx.user('influencer', 'Kill Creator');
      const real = await recordPaymentEvents(ctx, company, influencer, 80, 'Kill');
      const realDeliveries = stripeDeliveries(ctx, real.events, 0.3, 4242);
      // and 60 test payments x 10 versions whose handler counts effects; each holds its row lock ~25 ms
      const stream = paymentStream({ payments: 60, perPayment: 10, dupRate: 0.3, seed: 7, sleepMs: 25, prefix: 'kill' });
      const total = stream.events.length + real.events.length;

      const env = workerEnv(ctx, { WEBHOOK_JOB_LOCK_MS: '2000', WEBHOOK_CONCURRENCY: '4' });
      workers.push(...(await Promise.all([spawnWorker(build.dir, env), spawnWorker(build.dir, env)])));
      const sending = Promise.all([pool(stream.deliveries, 8, (d) => deliver(ctx, d)), deliverAll(ctx, realDeliveries, 8)]);

      await eventually(async () => (await countDone(ctx)) >= total * 0.2, 90_000, '20% processed');
      await killHard(workers[0]);
      const doneAtKill = await countDone(ctx);
      workers.push(await spawnWorker(build.dir, env));

      const answers = (await sending).flat();
      expect(answers.filter((a) => a.status !== 200)).toEqual([]);
      await eventually(async () => (await countDone(ctx)) === total, 120_000, 'all events processed after the kill');
      expect(doneAtKill).toBeLessThan(total);
      // concurrent deliveries share ingest flushes: the killed worker was applying flush jobs (one job, many events)
      const queue = ctx.app.get<Queue>(getQueueToken(QUEUES.webhooks), { strict: false });
      expect((await queue.getCompleted(0, -1)).filter((j) => String(j.id).startsWith('batch:')).length).toBeGreaterThan(0);
      await expectExactlyOnce(ctx, stream);
      expect(await wrongFinalStates(ctx, real.runs)).toEqual([]);
      await expectLedgerClean(ctx);
      console.log(
        `[webhook kill] ${total} events (${real.events.length} Stripe events of 80 payments + ${stream.events.length} test events), ` +
          `${stream.deliveries.length + realDeliveries.length} deliveries; worker ${workers[0].pid} SIGKILLed at ${doneAtKill} done; restarted as ${workers[2].pid}`,
      );
    }, 240_000);
  });

  describe('Redis stopped while webhooks arrive', () => {
    let ctx: TestContext;
    let redis: Awaited<ReturnType<typeof startRedis>>;
    let port: number;

    beforeAll(async () => {
      port = await freePort();
      redis = await startRedis(port);
      ctx = await createTestContext({
        label: 'whredis',
        env: { REDIS_URL: `redis://127.0.0.1:${port}`, WEBHOOK_SWEEP_INTERVAL_MS: '500', WEBHOOK_STALE_MS: '1000', WEBHOOK_RECONCILE_INTERVAL_MS: '0' },
      });
      await ctx.db.query(TEST_SCHEMA);
      registerTestHandlers(ctx.app.get(WebhookHandlerRegistry));
    });
    afterAll(async () => {
      await ctx?.close();
      await redis?.stop();
    });

    it('answers 200 once stored, and loses nothing when Redis comes back empty', async () => {
      const warmup = paymentStream({ payments: 5, perPayment: 2, dupRate: 0, seed: 1, prefix: 'warm' });
      await pool(warmup.deliveries, 5, (d) => deliver(ctx, d));
      await eventually(async () => (await countDone(ctx)) === warmup.events.length, 10_000, 'warm-up processed');
      await ctx.db.query(`TRUNCATE webhook_events, test_effects, test_payments`);

      await redis.stop();
      const stream = paymentStream({ payments: 40, perPayment: 5, dupRate: 0.3, seed: 99, prefix: 'redis' });
      const t = Date.now();
      const answers = await pool(stream.deliveries, 40, (d) => deliver(ctx, d));
      const ms = Date.now() - t;
      expect(answers.filter((a) => a.status !== 200)).toEqual([]);
      const stored = await ctx.db.query(`SELECT status, count(*)::int AS n FROM webhook_events GROUP BY status`);
      expect(stored).toEqual([{ status: 'RECEIVED', n: stream.events.length }]);

      // a fresh, empty Redis on the same port: the queue lost everything; the inbox did not
      redis = await startRedis(port);
      await eventually(async () => (await countDone(ctx)) === stream.events.length, 45_000, 'everything processed once Redis is back');
      await expectExactlyOnce(ctx, stream);
      console.log(
        `[webhook redis] ${stream.deliveries.length} deliveries answered in ${ms} ms with Redis down; all ${stream.events.length} processed after it came back`,
      );
    }, 90_000);
  });
});
