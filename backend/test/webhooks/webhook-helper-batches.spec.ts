import type { EntityManager } from 'typeorm';
import { WebhookEventRepository } from '../../src/modules/webhooks/webhook-event.repository';
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

  /** Stores events of TYPE received in this order, one millisecond apart after those stored before. */
  let stored = 0;
  async function storeEvents(count: number, prefix: string): Promise<string[]> {
    const ids = Array.from({ length: count }, (_, i) => `evt_${prefix}_${String(i).padStart(2, '0')}`);
    for (const id of ids) {
      await ctx.db.query(
        `INSERT INTO webhook_events (id, type, account, livemode, payload, source, stripe_created_at, received_at)
         VALUES ($1, $2, NULL, false, $3::jsonb, 'webhook', now(), now() + make_interval(secs => $4::double precision / 1000))`,
        [id, TYPE, JSON.stringify({ id, type: TYPE, data: { object: {} } }), ++stored],
      );
    }
    return ids;
  }

  const inbox = (ids: string[]) =>
    ctx.db.query(`SELECT status, attempts, count(*)::int AS n FROM webhook_events WHERE id = ANY($1) GROUP BY 1, 2`, [ids]) as Promise<
      Array<{ status: string; attempts: number; n: number }>
    >;

  beforeEach(() => {
    gateOpen = new Promise<void>((resolve) => (gate = resolve));
    calls.length = 0;
    mostAtOnce = 0;
  });

  it('a job waiting on a running batch of its process starts another batch of the oldest free events', async () => {
    const first = await storeEvents(8, 'wait');
    const a = processor.handleFlushJob(first.slice(0, 3)); // claims all 8 (not a full batch of 10), held at the gate
    await eventually(() => calls.length === 1, 10_000, 'the first batch applying');
    expect(calls[0]).toEqual(first);
    const later = await storeEvents(5, 'waitlater');
    const b = processor.handleFlushJob(first.slice(3, 5)); // its events are in A's batch: it waits, and starts another
    await eventually(() => calls.length === 2, 10_000, 'a second batch started by the waiting job');
    expect(calls[1]).toEqual(later);
    const last = await storeEvents(4, 'waitlast');
    const c = processor.processEvent(first[5]); // a per-event job's way: the same
    await eventually(() => calls.length === 3, 10_000, 'a third batch started by a waiting per-event job');
    expect(calls[2]).toEqual(last);
    expect(mostAtOnce).toBe(3);
    gate();
    await Promise.all([a, b, c]);
    expect(await c).toBe('already-done');
    expect(await inbox([...first, ...later, ...last])).toEqual([{ status: 'PROCESSED', attempts: 1, n: 17 }]);
  });

  it('a full batch starts the next at once, up to BATCHES_PER_WORKER running; each event applied once', async () => {
    expect(BATCHES_PER_WORKER).toBe(4);
    const ids = await storeEvents(50, 'full');
    const job = processor.handleFlushJob(ids.slice(0, 3));
    await eventually(() => calls.length === BATCHES_PER_WORKER, 10_000, 'four batches from one job');
    await new Promise((r) => setTimeout(r, 300));
    expect(calls).toHaveLength(BATCHES_PER_WORKER); // no fifth while four run
    expect(mostAtOnce).toBe(BATCHES_PER_WORKER);
    expect(calls.flat().sort()).toEqual(ids.slice(0, 40));
    gate();
    await job;
    await processor.handleFlushJob(ids.slice(40)); // the rest, by their own job
    expect(await inbox(ids)).toEqual([{ status: 'PROCESSED', attempts: 1, n: 50 }]);
    expect(calls.flat().sort()).toEqual(ids); // each in exactly one batch

    // a later flush job of events this process's batches applied costs no read
    const reads = jest.spyOn(ctx.app.get(WebhookEventRepository), 'stillReceived');
    try {
      expect(await processor.handleFlushJob(ids.slice(10, 20))).toBe('processed');
      expect(reads).not.toHaveBeenCalled();
      await processor.handleFlushJob([...ids.slice(10, 12), 'evt_unknown_to_this_process']);
      expect(reads).toHaveBeenCalledWith(['evt_unknown_to_this_process']);
    } finally {
      reads.mockRestore();
    }
  });
});
