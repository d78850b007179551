import type Stripe from 'stripe';
import { expectLedgerClean, proposeAndAccept } from '../support/flows';
import { createTestContext, eventually, TestContext, TestUser } from '../support/test-app';
import { deliver, pool, rng, shuffle } from './support/events';

/** What the company (through Stripe) does with each payment, and the state Stripe's events must lead to. */
const EXPECTED = {
  paid: 'HELD',
  'declined-4x': 'FAILED',
  'declined-6x-then-paid': 'HELD',
  'declined-6x-then-canceled': 'CANCELED',
  ...(process.env.WEBHOOK_STREAM_EXTRA === 'true' ? { 'refunded-twice-in-stripe': 'PARTIALLY_REFUNDED', disputed: 'DISPUTED' } : {}),
} as const;
type Scenario = keyof typeof EXPECTED;
const SCENARIOS = Object.keys(EXPECTED) as Scenario[];

async function play(ctx: TestContext, pi: string, scenario: Scenario): Promise<void> {
  const confirm = (pm: string) => ctx.stripe.paymentIntents.confirm(pi, { payment_method: pm, return_url: 'http://localhost/return' }).catch((e: Error) => e);
  const declines = Number(/^declined-(\d)x/.exec(scenario)?.[1] ?? 0);
  for (let i = 0; i < declines; i++) await confirm('pm_card_chargeDeclined');
  if (scenario === 'paid' || scenario.endsWith('then-paid') || scenario === 'refunded-twice-in-stripe') await confirm('pm_card_visa');
  if (scenario === 'disputed') await confirm('pm_card_createDispute');
  if (scenario.endsWith('then-canceled')) await ctx.stripe.paymentIntents.cancel(pi);
  if (scenario === 'refunded-twice-in-stripe') {
    await ctx.stripe.refunds.create({ payment_intent: pi, amount: 1000 });
    await ctx.stripe.refunds.create({ payment_intent: pi, amount: 500 });
  }
}

/**
 * The real payments handlers behind the real pipeline: Stripe's events for 200 payments, shuffled, 30% delivered
 * more than once, concurrently → every payment in the state Stripe says, every event applied once, ledger clean.
 */
describe('webhook stream for 200 payments (payments module, ledger, emulator)', () => {
  let ctx: TestContext;
  let company: TestUser;
  let influencer: TestUser;
  const PAYMENTS = Number(process.env.WEBHOOK_STREAM_PAYMENTS ?? 200);

  beforeAll(async () => {
    ctx = await createTestContext({ label: 'whstream', env: { WEBHOOK_SWEEP_INTERVAL_MS: '0', WEBHOOK_RECONCILE_INTERVAL_MS: '0', WEBHOOK_CONCURRENCY: '8' } });
    company = await ctx.user('company', 'Stream Co');
    influencer = await ctx.user('influencer', 'Stream Creator');
  });
  afterAll(() => ctx?.close());

  it('applies a shuffled stream with 30% duplicates to the right final states with a clean ledger', async () => {
    const t0 = Date.now();
    // Stripe keeps recording events; we deliver them ourselves, in our own (bad) order
    ctx.emulator.setDeliveryPaused(true);
    const since = Math.floor(Date.now() / 1000) - 2;
    const created = await pool(Array.from({ length: PAYMENTS }, (_, i) => i), 6, async (i) => {
      const { paymentId } = await proposeAndAccept(ctx, company, influencer, { amount: 5000 + i * 37, title: `Stream ${i}` });
      return { i, paymentId, scenario: SCENARIOS[i % SCENARIOS.length] };
    });
    const intents = new Map<string, string>(
      (await ctx.db.query(`SELECT id, stripe_payment_intent_id AS pi FROM payments`)).map((r: { id: string; pi: string }) => [r.id, r.pi]),
    );
    await pool(created, 6, ({ paymentId, scenario }) => play(ctx, intents.get(paymentId)!, scenario));
    const events: Stripe.Event[] = await ctx.stripe.events.list({ created: { gte: since }, limit: 100 }).autoPagingToArray({ limit: 10_000 });
    const setupMs = Date.now() - t0;
    const types: Record<string, number> = {};
    for (const e of events) types[e.type] = (types[e.type] ?? 0) + 1;

    // nothing was delivered: every payment still PENDING
    expect((await ctx.db.query(`SELECT count(*)::int AS n FROM webhook_events`))[0].n).toBe(0);
    const random = rng(20261122);
    const deliveries = [...events];
    for (let i = 0; i < Math.round(events.length * 0.3); i++) deliveries.push(events[Math.floor(random() * events.length)]);
    const shuffled = shuffle(deliveries, random);
    const payloads = new Map(events.map((e) => [e.id, JSON.stringify(e)]));

    const t1 = Date.now();
    const answers = await pool(shuffled, 16, (e) =>
      deliver(ctx, { payload: payloads.get(e.id)! }, { secret: e.account ? ctx.config.stripe.connectWebhookSecret : ctx.config.stripe.webhookSecret }),
    );
    const ingestMs = Date.now() - t1;
    expect(answers.filter((a) => a.status !== 200)).toEqual([]);
    expect(answers.filter((a) => a.body.duplicate === false)).toHaveLength(events.length);

    await eventually(
      async () => (await ctx.db.query(`SELECT count(*)::int AS n FROM webhook_events WHERE status = 'RECEIVED'`))[0].n === 0,
      90_000,
      'every stored event processed',
    );
    const drainMs = Date.now() - t1;
    const byStatus = Object.fromEntries(
      (await ctx.db.query(`SELECT status, count(*)::int AS n FROM webhook_events GROUP BY status`)).map((r: { status: string; n: number }) => [r.status, r.n]),
    );
    expect(byStatus.FAILED ?? 0).toBe(0);
    expect((byStatus.PROCESSED ?? 0) + (byStatus.IGNORED ?? 0)).toBe(events.length);
    expect((await ctx.db.query(`SELECT count(*)::int AS n FROM webhook_events WHERE attempts <> 1`))[0].n).toBe(0);

    const statuses = new Map<string, string>((await ctx.db.query(`SELECT id, status FROM payments`)).map((r: { id: string; status: string }) => [r.id, r.status]));
    const wrong = created.filter((c) => statuses.get(c.paymentId) !== EXPECTED[c.scenario]).map((c) => ({ ...c, status: statuses.get(c.paymentId) }));
    expect(wrong).toEqual([]);
    const report = await expectLedgerClean(ctx);
    console.log(
      `[webhook stream] ${PAYMENTS} payments, ${events.length} events, ${shuffled.length} deliveries (${shuffled.length - events.length} duplicates); ` +
        `setup ${setupMs} ms, ingest ${ingestMs} ms (${Math.round((shuffled.length / ingestMs) * 1000)}/s), all processed after ${drainMs} ms; ` +
        `inbox ${JSON.stringify(byStatus)}; types ${JSON.stringify(types)}; ledger ${JSON.stringify(report.counts)}`,
    );
  });

  it('ends in the same states when the emulator itself delivers with duplicates and reordering', async () => {
    ctx.emulator.setDeliveryPaused(false);
    ctx.emulator.setChaos({ duplicate: true, reorder: true });
    const runs = await pool(Array.from({ length: 8 }, (_, i) => i), 4, async (i) => {
      const { paymentId } = await proposeAndAccept(ctx, company, influencer, { amount: 7000 + i, title: `Chaos ${i}` });
      const [{ pi }] = await ctx.db.query(`SELECT stripe_payment_intent_id AS pi FROM payments WHERE id = $1`, [paymentId]);
      const scenario = SCENARIOS[i % SCENARIOS.length];
      await play(ctx, pi, scenario);
      return { paymentId, scenario };
    });
    await ctx.emulator.flushWebhooks();
    await eventually(
      async () => {
        const rows: { id: string; status: string }[] = await ctx.db.query(`SELECT id, status FROM payments WHERE id = ANY($1)`, [runs.map((r) => r.paymentId)]);
        const pending = (await ctx.db.query(`SELECT count(*)::int AS n FROM webhook_events WHERE status = 'RECEIVED'`))[0].n;
        return pending === 0 && rows.every((r) => r.status === EXPECTED[runs.find((x) => x.paymentId === r.id)!.scenario]);
      },
      20_000,
      'chaos deliveries applied',
    );
    ctx.emulator.setChaos({ duplicate: false, reorder: false });
    await expectLedgerClean(ctx);
  });
});
