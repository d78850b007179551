import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import type Stripe from 'stripe';
import { QUEUES } from '../../src/common/queue/queue.module';
import { WebhookQueueService } from '../../src/modules/webhooks/webhook-queue.service';
import { WebhookProcessor } from '../../src/modules/webhooks/webhook.processor';
import { expectLedgerClean } from '../support/flows';
import { eventually, TestContext } from '../support/test-app';
import { applyInOrder, BatchFixture, recordFixture, store } from './support/batch-fixture';
import { wrongFinalStates } from './support/payment-scenarios';

const SUCCEEDED = 'payment_intent.succeeded';
/** Quick retries so a poisoned event exhausts its attempts within the test. */
const RETRY_FAST = { WEBHOOK_MAX_ATTEMPTS: '3', WEBHOOK_BACKOFF_MS: '50' };
const FLUSH_JOBS = { WEBHOOK_FLUSH_JOBS: 'true' };

const waitingCount = async (ctx: TestContext): Promise<number> =>
  (await ctx.db.query(`SELECT count(*)::int AS n FROM webhook_events WHERE status = 'RECEIVED'`))[0].n;
const fundedTwice = (ctx: TestContext) => ctx.db.query(`SELECT reference_id FROM journal_entries WHERE type = 'payment_held' GROUP BY 1 HAVING count(*) > 1`);

/**
 * Flush jobs (WEBHOOK_FLUSH_JOBS): one Bull job carries the event ids of one ingest flush; the real queue and a
 * real processor consume them. A poisoned event is handed to its own per-event job (retries, FAILED after
 * WEBHOOK_MAX_ATTEMPTS) while the rest of its flush applies once; ids in several jobs apply once.
 */
describe('flush jobs (one Bull job per ingest flush)', () => {
  let fx: BatchFixture;

  beforeAll(async () => {
    fx = await recordFixture(16);
  }, 180_000);
  afterAll(() => fx?.close());

  it('applies the rest of a flush once and retries a poisoned event alone until it is FAILED after maxAttempts', async () => {
    const ctx = await fx.clone('flushpoison', { ...FLUSH_JOBS, ...RETRY_FAST });
    const others = fx.events.filter((e) => e.type !== SUCCEEDED);
    const successes = fx.events.filter((e) => e.type === SUCCEEDED);
    await store(ctx, others);
    await applyInOrder(
      ctx,
      others.map((e) => e.id),
      1,
    );
    const unfunded = new Set(
      (await ctx.db.query(`SELECT id FROM payments WHERE status IN ('PENDING', 'PROCESSING', 'FAILED')`)).map((r: { id: string }) => r.id),
    );
    const poisoned = successes.find((e) => unfunded.has((e.data.object as Stripe.PaymentIntent).metadata.payment_id))!;
    expect(poisoned).toBeDefined();
    const poisonedPayment = (poisoned.data.object as Stripe.PaymentIntent).metadata.payment_id;
    // the payment disagrees with what Stripe received: every attempt to apply the event throws
    await ctx.db.query(`UPDATE payments SET amount = amount + 1, influencer_amount = influencer_amount + 1 WHERE id = $1`, [poisonedPayment]);
    await store(ctx, successes);
    const ids = successes.map((e) => e.id);
    const queue = ctx.app.get<Queue>(getQueueToken(QUEUES.webhooks), { strict: false });
    expect(await ctx.app.get(WebhookQueueService).enqueue(ids)).toBe(ids.length);
    const flushJob = await queue.getJob(`batch:${ids[0]}:${ids.length}`);
    expect(flushJob?.data.eventIds).toEqual(ids);
    expect(await queue.getJob(poisoned.id)).toBeNull(); // no per-event job until the flush job hands it over

    ctx.app.get(WebhookProcessor).start();
    await eventually(async () => ((await waitingCount(ctx)) === 0 ? true : undefined), 60_000, 'every event done or FAILED');

    const inbox: Array<{ id: string; status: string; attempts: number }> = await ctx.db.query(
      `SELECT id, status, attempts FROM webhook_events WHERE id = ANY($1)`,
      [ids],
    );
    const byId = new Map(inbox.map((r) => [r.id, `${r.status}/${r.attempts}`]));
    expect(byId.get(poisoned.id)).toBe('FAILED/3');
    const notOnce = inbox.filter((r) => r.id !== poisoned.id && !/^(PROCESSED|IGNORED)\/1$/.test(`${r.status}/${r.attempts}`));
    expect(notOnce).toEqual([]);
    const own = await queue.getJob(poisoned.id);
    expect(own?.attemptsMade).toBe(3);
    expect(await own?.getState()).toBe('failed');
    expect(await (await queue.getJob(`batch:${ids[0]}:${ids.length}`))?.getState()).toBe('completed');
    expect(await fundedTwice(ctx)).toEqual([]);
    expect((await wrongFinalStates(ctx, fx.runs)).filter((w) => w.paymentId !== poisonedPayment)).toEqual([]);
    await expectLedgerClean(ctx);
  }, 120_000);

  it('applies events once when they are in several flush jobs and per-event jobs at the same time', async () => {
    const ctx = await fx.clone('flushdup', FLUSH_JOBS);
    await store(ctx, fx.events);
    const ids = fx.events.map((e) => e.id);
    const jobs = ctx.app.get(WebhookQueueService);
    const half = Math.floor(ids.length / 2);
    // overlapping flushes (ingest never makes them; a replayed or swept event meets its flush job this way)
    expect(await jobs.enqueue(ids.slice(0, half + 5))).toBe(half + 5);
    expect(await jobs.enqueue(ids.slice(half - 5))).toBe(ids.length - half + 5);
    expect(await jobs.enqueue([...ids].reverse())).toBe(ids.length);
    await jobs.enqueueEach(ids.filter((_, i) => i % 3 === 0));
    ctx.app.get(WebhookProcessor).start();
    await eventually(async () => ((await waitingCount(ctx)) === 0 ? true : undefined), 60_000, 'every event applied');
    expect(await fundedTwice(ctx)).toEqual([]);
    expect(await wrongFinalStates(ctx, fx.runs)).toEqual([]);
    const notOnce = await ctx.db.query(`SELECT id, status, attempts FROM webhook_events WHERE status NOT IN ('PROCESSED', 'IGNORED') OR attempts <> 1`);
    expect(notOnce).toEqual([]);
    await expectLedgerClean(ctx);
  }, 120_000);
});
