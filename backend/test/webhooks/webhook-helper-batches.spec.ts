import type { EntityManager } from 'typeorm';
import { WebhookBatchItem, WebhookHandlerRegistry } from '../../src/modules/webhooks/webhook-handler.registry';
import { BATCHES_PER_WORKER, WebhookProcessor } from '../../src/modules/webhooks/webhook.processor';
import { createTestContext, eventually, TestContext } from '../support/test-app';
import { QUIET_ENV } from './support/batch-fixture';

const TYPE = 'test.gated';

/**
 * A batch takes the oldest waiting events, which are mostly the other running jobs' own, so those jobs wait for it.
 * A job that waits starts another batch of the oldest events nobody holds (WebhookProcessor.helpOut), so that one
 * worker keeps several batches going instead of applying one at a time (in the webhook bench one batch at a time
 * left PostgreSQL waiting on the worker most of the time: 8 batches of 250 committed one after the other).
 * A batch applier that waits at a gate shows which batches run at once. Real PostgreSQL and processor.
 */
describe('helper batches: a worker whose jobs wait on its running batch starts another', () => {
  let ctx: TestContext;
  let processor: WebhookProcessor;
  let gate: () => void = () => undefined;
  let gateOpen: Promise<void>;
  const calls: string[][] = [];
  let running = 0;
  let mostAtOnce = 0;

  beforeAll(async () => {
    ctx = await createTestContext({ label: 'whhelp', env: { ...QUIET_ENV, WEBHOOK_BATCH_SIZE: '10' } });
    processor = ctx.app.get(WebhookProcessor);
    const registry = ctx.app.get(WebhookHandlerRegistry);
    registry.register(TYPE, async () => 'applied');
    registry.registerBatch(TYPE, {
      prepare: async () => null,
      apply: async (_em: EntityManager, items: WebhookBatchItem[]) => {
        calls.push(items.map((i) => i.event.id));
        running++;
        mostAtOnce = Math.max(mostAtOnce, running);
        await gateOpen;
        running--;
        return new Set(items.map((i) => i.event.id));
      },
    });
  }, 60_000);
  afterAll(() => ctx?.close());

  it('keeps several batches running (at most BATCHES_PER_WORKER), each event applied once', async () => {
    expect(BATCHES_PER_WORKER).toBe(4);
    gateOpen = new Promise<void>((resolve) => (gate = resolve));
    const ids = Array.from({ length: 50 }, (_, i) => `evt_gated_${String(i).padStart(2, '0')}`);
    for (const [i, id] of ids.entries()) {
      await ctx.db.query(
        `INSERT INTO webhook_events (id, type, account, livemode, payload, source, stripe_created_at, received_at)
         VALUES ($1, $2, NULL, false, $3::jsonb, 'webhook', now(), now() + make_interval(secs => $4::double precision / 1000))`,
        [id, TYPE, JSON.stringify({ id, type: TYPE, data: { object: {} } }), i],
      );
    }
    // job A: its own 3 events and the 7 oldest others, held at the gate
    const jobs = [processor.handleFlushJob(ids.slice(0, 3))];
    await eventually(() => calls.length === 1, 10_000, 'the first batch applying');
    expect(calls[0]).toEqual(ids.slice(0, 10));
    // jobs B, C, D: their events are in A's batch; each starts another batch of the oldest free events
    for (const [n, job] of [ids.slice(3, 5), [ids[5]], [ids[6]]].entries()) {
      jobs.push(processor.handleFlushJob(job));
      await eventually(() => calls.length === n + 2, 10_000, `batch ${n + 2} started by a waiting job`);
    }
    expect(calls.slice(1).flat().sort()).toEqual(ids.slice(10, 40));
    // job E waits too, but four batches are running: no fifth
    jobs.push(processor.handleFlushJob([ids[7]]));
    await new Promise((r) => setTimeout(r, 300));
    expect(calls).toHaveLength(BATCHES_PER_WORKER);
    expect(mostAtOnce).toBe(BATCHES_PER_WORKER);
    gate();
    await Promise.all(jobs);
    // the rest have their own flush job
    await processor.handleFlushJob(ids.slice(40));
    const rows: Array<{ status: string; attempts: number; n: number }> = await ctx.db.query(
      `SELECT status, attempts, count(*)::int AS n FROM webhook_events WHERE type = $1 GROUP BY 1, 2`,
      [TYPE],
    );
    expect(rows).toEqual([{ status: 'PROCESSED', attempts: 1, n: 50 }]);
    expect(calls.flat().sort()).toEqual(ids); // each in exactly one batch
  }, 30_000);
});
