import type Stripe from 'stripe';
import { WebhookProcessor } from '../../src/modules/webhooks/webhook.processor';
import { expectLedgerClean } from '../support/flows';
import { eventually, TestContext } from '../support/test-app';
import { pool } from './support/events';
import { applyInOrder, BatchFixture, recordFixture, stateOf, store } from './support/batch-fixture';
import { wrongFinalStates } from './support/payment-scenarios';

const SUCCEEDED = 'payment_intent.succeeded';
const count = async (ctx: TestContext, sql: string): Promise<number> => (await ctx.db.query(sql))[0].n;
const heldEntries = (ctx: TestContext) => count(ctx, `SELECT count(*)::int AS n FROM journal_entries WHERE type = 'payment_held'`);
const inboxOf = async (ctx: TestContext, ids: string[]) =>
  Object.fromEntries(
    (await ctx.db.query(`SELECT id, status, attempts FROM webhook_events WHERE id = ANY($1)`, [ids])).map(
      (r: { id: string; status: string; attempts: number }) => [r.id, `${r.status}/${r.attempts}`],
    ),
  );

/** A copy of a real success event under another event id, its intent changed by `patch`. */
function variant(e: Stripe.Event, id: string, patch: (pi: Stripe.PaymentIntent) => void = () => undefined): Stripe.Event {
  const copy = JSON.parse(JSON.stringify(e)) as Stripe.Event;
  copy.id = id;
  patch(copy.data.object as Stripe.PaymentIntent);
  return copy;
}

/**
 * Set-based apply of `payment_intent.succeeded` (PaymentHeldBatch + WebhookProcessor.applyBatch): the same
 * Stripe events applied one by one and as batches on two copies of one database end in the same state, row for
 * row; mixed and poisoned batches; two processors racing on one inbox; a batch whose connection dies.
 */
describe('set-based apply of payment_intent.succeeded', () => {
  let fx: BatchFixture;

  /** Stores every recorded event and applies all but the successes one by one; returns the successes, still waiting. */
  async function storeWithOthersApplied(ctx: TestContext): Promise<Stripe.Event[]> {
    await store(ctx, fx.events);
    await applyInOrder(
      ctx,
      fx.events.filter((e) => e.type !== SUCCEEDED).map((e) => e.id),
      1,
    );
    return fx.events.filter((e) => e.type === SUCCEEDED);
  }

  beforeAll(async () => {
    fx = await recordFixture(36);
  }, 180_000);
  afterAll(() => fx?.close());

  it('writes exactly what the per-event path writes (payments, ledger, balances, outbox, emails, inbox)', async () => {
    const [perEvent, batched] = await Promise.all([fx.clone('one'), fx.clone('many')]);
    const others = fx.events.filter((e) => e.type !== SUCCEEDED);
    const successes = fx.events.filter((e) => e.type === SUCCEEDED);
    expect(successes.length).toBeGreaterThanOrEqual(12);
    for (const ctx of [perEvent, batched]) {
      await store(ctx, fx.events);
      // everything but the successes first, one by one, in the same order on both
      await applyInOrder(
        ctx,
        others.map((e) => e.id),
        1,
      );
    }
    await applyInOrder(
      perEvent,
      successes.map((e) => e.id),
      1,
    );
    const heldBefore = await heldEntries(batched);
    // one call claims and applies every waiting success in one transaction; the rest (stale ones) go one by one
    await applyInOrder(
      batched,
      successes.map((e) => e.id),
      100,
    );
    expect(await heldEntries(batched)).toBeGreaterThan(heldBefore + 5);

    const [a, b] = await Promise.all([stateOf(perEvent), stateOf(batched)]);
    for (const key of Object.keys(a)) expect({ [key]: b[key] }).toEqual({ [key]: a[key] });
    expect((a.emails as unknown[]).length).toBeGreaterThan(0);
    expect(await wrongFinalStates(batched, fx.runs)).toEqual([]);
    await expectLedgerClean(batched);
  }, 120_000);

  it('applies a mixed batch: duplicates, stale, failed-then-succeeded, unknown payment, one poisoned event retried alone', async () => {
    const ctx = await fx.clone('mixed');
    const successes = fx.events.filter((e) => e.type === SUCCEEDED);
    const others = fx.events.filter((e) => e.type !== SUCCEEDED);
    await store(ctx, others);
    await applyInOrder(
      ctx,
      others.map((e) => e.id),
      1,
    ); // failures, cancels, refunds, disputes (some fund their payment)
    // successes whose payment is not funded yet (refunds and disputes above funded some of them already)
    const unfunded = new Set(
      (await ctx.db.query(`SELECT id FROM payments WHERE status IN ('PENDING', 'PROCESSING', 'FAILED')`)).map((r: { id: string }) => r.id),
    );
    const fundable = successes.filter((e) => unfunded.has((e.data.object as Stripe.PaymentIntent).metadata.payment_id));
    expect(fundable.length).toBeGreaterThanOrEqual(5);
    const [first, third] = fundable;
    const second = successes.find((e) => e !== first && e !== third)!;
    const rest = successes.filter((e) => e !== first && e !== third);
    const duplicate = variant(first, `${first.id}_dup`);
    const unknown = variant(second, `${second.id}_unknown`, (pi) => {
      pi.id = 'pi_unknown_batch';
      pi.metadata = { ...pi.metadata, payment_id: '00000000-0000-4000-8000-000000000000' };
    });
    const poisonedPayment = (third.data.object as Stripe.PaymentIntent).metadata.payment_id;
    // the payment now disagrees with what Stripe received: the per-event path refuses it (and keeps retrying)
    await ctx.db.query(`UPDATE payments SET amount = amount + 1, influencer_amount = influencer_amount + 1 WHERE id = $1`, [poisonedPayment]);
    const batch = [first, duplicate, unknown, third, ...rest];
    await store(ctx, batch);
    const processor = ctx.app.get(WebhookProcessor);
    expect(await processor.processEvent(first.id, 100)).toBe('processed');
    // every success the batch could decide alone is done by that one call; the others are still waiting for their job
    const after = await inboxOf(
      ctx,
      batch.map((e) => e.id),
    );
    expect(after[duplicate.id]).toBe('RECEIVED/0');
    expect(after[unknown.id]).toBe('RECEIVED/0');
    expect(after[third.id]).toBe('RECEIVED/0');
    // their own jobs: the duplicate and the unknown payment are ignored, the poisoned one fails alone
    expect(await processor.processEvent(duplicate.id, 100)).toBe('ignored');
    expect(await processor.processEvent(unknown.id, 100)).toBe('ignored');
    await expect(processor.processEvent(third.id, 100)).rejects.toThrow(/received .* but payment .* is for/);
    await expect(processor.processEvent(third.id, 100)).rejects.toThrow(/received/);
    for (const e of rest) expect(await processor.processEvent(e.id, 100)).toMatch(/already-done|ignored|processed/);
    const held = await ctx.db.query(`SELECT status FROM payments WHERE id = $1`, [poisonedPayment]);
    expect(held[0].status).not.toBe('HELD');
    // each payment funded once: one payment_held entry per HELD-or-later payment, none for the poisoned one
    const perPayment = await ctx.db.query(
      `SELECT reference_id, count(*)::int AS n FROM journal_entries WHERE type = 'payment_held' GROUP BY 1 HAVING count(*) > 1`,
    );
    expect(perPayment).toEqual([]);
    expect(await count(ctx, `SELECT count(*)::int AS n FROM journal_entries WHERE reference_id = '${poisonedPayment}'`)).toBe(0);
    const wrong = (await wrongFinalStates(ctx, fx.runs)).filter((w) => w.paymentId !== poisonedPayment);
    expect(wrong).toEqual([]);
    // the ledger stays clean except for what the test itself did to the poisoned payment's amount (never funded: no escrow)
    await expectLedgerClean(ctx);
  }, 120_000);

  it('rolls the whole batch back when one event breaks it in the database, then applies the others one by one', async () => {
    const ctx = await fx.clone('rollback');
    const successes = await storeWithOthersApplied(ctx);
    const poisoned = (successes[1].data.object as Stripe.PaymentIntent).metadata.payment_id;
    // a database error on one payment's row breaks any statement touching it (the set-based UPDATE included)
    await ctx.db.query(`
      CREATE FUNCTION test_poison() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.status = 'HELD' THEN RAISE EXCEPTION 'poisoned payment %', NEW.id; END IF; RETURN NEW; END $$`);
    await ctx.db.query(`CREATE TRIGGER test_poison BEFORE UPDATE ON payments FOR EACH ROW WHEN (NEW.id = '${poisoned}') EXECUTE FUNCTION test_poison()`);
    const processor = ctx.app.get(WebhookProcessor);
    await processor.processEvent(successes[0].id, 100);
    const inbox = await inboxOf(
      ctx,
      successes.map((e) => e.id),
    );
    // the poisoned event recorded its failure (no longer taken into batches); every other success is applied once
    expect(inbox[successes[1].id]).toBe('RECEIVED/1');
    const notDone = successes.filter((e) => e !== successes[1] && !/^(PROCESSED|IGNORED)\/1$/.test(inbox[e.id]));
    expect(notDone.map((e) => `${e.id}: ${inbox[e.id]}`)).toEqual([]);
    await ctx.db.query(`DROP TRIGGER test_poison ON payments`);
    expect(await processor.processEvent(successes[1].id, 100)).toBe('processed');
    expect(await wrongFinalStates(ctx, fx.runs)).toEqual([]);
    await expectLedgerClean(ctx);
  }, 120_000);

  it('funds each payment once when two processors drain the same events concurrently', async () => {
    const a = await fx.clone('racea');
    const second = await fx.secondApp(a, 'raceb');
    {
      await store(a, fx.events);
      const ids = fx.events.map((e) => e.id);
      const procs = [a.app.get(WebhookProcessor), second.app.get(WebhookProcessor)];
      // both walk every event (in opposite orders), each call a job; retry what was busy or deferred, like Bull does
      for (let round = 0; round < 20; round++) {
        const waiting: string[] = (await a.db.query(`SELECT id FROM webhook_events WHERE status = 'RECEIVED'`)).map((r: { id: string }) => r.id);
        if (!waiting.length) break;
        await Promise.all(procs.map((p, i) => pool(i ? [...waiting].reverse() : waiting, 4, (id) => p.processEvent(id, 25).catch(() => 'error'))));
        if (round > 0) await new Promise((r) => setTimeout(r, 2100)); // let claims of an interrupted batch expire
      }
      expect(await count(a, `SELECT count(*)::int AS n FROM webhook_events WHERE status = 'RECEIVED'`)).toBe(0);
      expect(ids.length).toBe(fx.events.length);
      const twice = await a.db.query(`SELECT reference_id FROM journal_entries WHERE type = 'payment_held' GROUP BY 1 HAVING count(*) > 1`);
      expect(twice).toEqual([]);
      expect(await wrongFinalStates(a, fx.runs)).toEqual([]);
      await expectLedgerClean(a);
    }
  }, 180_000);

  it('lets jobs of one process that start together wait for the batch that claimed their event (none busy, each applied once)', async () => {
    const ctx = await fx.clone('together');
    const successes = await storeWithOthersApplied(ctx);
    const processor = ctx.app.get(WebhookProcessor);
    // every job at once: each looks before any claim is registered in this process, the first claims decide
    // the others' events; a job meeting such a claim waits for it instead of answering 'busy' (a retried job)
    const outcomes = await Promise.all(successes.map((e) => processor.processEvent(e.id, 100)));
    expect(outcomes.filter((o) => !/^(processed|already-done|ignored)$/.test(o))).toEqual([]);
    expect(await count(ctx, `SELECT count(*)::int AS n FROM webhook_events WHERE status <> 'PROCESSED' AND status <> 'IGNORED' OR attempts <> 1`)).toBe(0);
    expect(
      await count(
        ctx,
        `SELECT count(*)::int AS n FROM (SELECT 1 FROM journal_entries WHERE type = 'payment_held' GROUP BY reference_id HAVING count(*) > 1) x`,
      ),
    ).toBe(0);
    expect(await wrongFinalStates(ctx, fx.runs)).toEqual([]);
    await expectLedgerClean(ctx);
  }, 120_000);

  it("answers 'busy' (and applies nothing of it) for an event under another worker's live claim, while a batch of this process runs", async () => {
    const ctx = await fx.clone('foreign');
    const successes = await storeWithOthersApplied(ctx);
    const unfunded = new Set(
      (await ctx.db.query(`SELECT id FROM payments WHERE status IN ('PENDING', 'PROCESSING', 'FAILED')`)).map((r: { id: string }) => r.id),
    );
    const [foreign, own] = successes.filter((e) => unfunded.has((e.data.object as Stripe.PaymentIntent).metadata.payment_id));
    // another worker claimed `foreign` (its claim lives for a minute) and is reading Stripe for it
    await ctx.db.query(`UPDATE webhook_events SET claimed_until = clock_timestamp() + interval '1 minute' WHERE id = $1`, [foreign.id]);
    const processor = ctx.app.get(WebhookProcessor);
    const [a, b] = await Promise.all([processor.processEvent(own.id, 100), processor.processEvent(foreign.id, 100)]);
    expect(a).toBe('processed');
    expect(b).toBe('busy');
    expect(await inboxOf(ctx, [foreign.id, own.id])).toEqual({ [foreign.id]: 'RECEIVED/0', [own.id]: 'PROCESSED/1' });
    const paymentOf = (e: Stripe.Event) => (e.data.object as Stripe.PaymentIntent).metadata.payment_id;
    expect(await count(ctx, `SELECT count(*)::int AS n FROM journal_entries WHERE reference_id = '${paymentOf(foreign)}'`)).toBe(0);
    // the claim expires (the other worker died): its own job applies it once
    await ctx.db.query(`UPDATE webhook_events SET claimed_until = clock_timestamp() - interval '1 second' WHERE id = $1`, [foreign.id]);
    expect(await processor.processEvent(foreign.id, 100)).toBe('processed');
    expect(await count(ctx, `SELECT count(*)::int AS n FROM journal_entries WHERE type = 'payment_held' AND reference_id = '${paymentOf(foreign)}'`)).toBe(1);
    await expectLedgerClean(ctx);
  }, 120_000);

  it('re-applies everything once after the batch transaction dies mid-way (connection killed)', async () => {
    const ctx = await fx.clone('fault');
    const successes = await storeWithOthersApplied(ctx);
    // the batch's multi-row postings INSERT stalls (while test_stall_on has a row); we kill its database session
    // there, as a dying process would
    await ctx.db.query(`CREATE TABLE test_stall_on (x int); INSERT INTO test_stall_on VALUES (1)`);
    await ctx.db.query(`
      CREATE FUNCTION test_stall() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF EXISTS (SELECT 1 FROM test_stall_on) THEN PERFORM pg_sleep(60); END IF; RETURN NULL; END $$`);
    await ctx.db.query(`CREATE TRIGGER test_stall AFTER INSERT ON postings FOR EACH STATEMENT EXECUTE FUNCTION test_stall()`);
    const processor = ctx.app.get(WebhookProcessor);
    const running = processor.processEvent(successes[0].id, 100).catch((e: Error) => e);
    const stalled = () =>
      ctx.db.query(`SELECT pid, query FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND wait_event = 'PgSleep'`);
    const session = await eventually(async () => (await stalled())[0] as { pid: number; query: string } | undefined, 90_000, 'the batch stalled');
    expect(session.query).toMatch(/INSERT INTO postings/);
    await ctx.db.query(`DELETE FROM test_stall_on`); // what runs after the kill is not stalled
    await ctx.db.query(`SELECT pg_terminate_backend($1)`, [session.pid]);
    await running;
    // nothing of the killed transaction stayed; its events (claimed, then given back) apply once, by batch or alone
    for (let round = 0; round < 5; round++) {
      const waiting = await ctx.db.query(`SELECT id FROM webhook_events WHERE status = 'RECEIVED' ORDER BY received_at`);
      if (!waiting.length) break;
      await new Promise((r) => setTimeout(r, 2100));
      for (const { id } of waiting) await processor.processEvent(id, 100).catch(() => undefined);
    }
    expect(await count(ctx, `SELECT count(*)::int AS n FROM webhook_events WHERE status = 'RECEIVED'`)).toBe(0);
    const twice = await ctx.db.query(`SELECT reference_id FROM journal_entries WHERE type = 'payment_held' GROUP BY 1 HAVING count(*) > 1`);
    expect(twice).toEqual([]);
    expect(await wrongFinalStates(ctx, fx.runs)).toEqual([]);
    await expectLedgerClean(ctx);
  }, 120_000);
});
