import { expectLedgerClean, proposeAndAccept } from '../support/flows';
import { createTestContext, eventually, TestContext, TestUser } from '../support/test-app';
import { pool } from './support/events';
import { deliverAll, EXPECTED, play, recordPaymentEvents, SCENARIOS, stripeDeliveries, wrongFinalStates } from './support/payment-scenarios';

/**
 * The real payments handlers behind the real pipeline: Stripe's events for 200 payments (2,050 events), shuffled,
 * 30% delivered more than once, concurrently → every payment in the state Stripe says, ledger invariants clean.
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
    // Stripe records the events; we deliver them ourselves, in our own (bad) order
    const { runs, events } = await recordPaymentEvents(ctx, company, influencer, PAYMENTS);
    const setupMs = Date.now() - t0;
    const types: Record<string, number> = {};
    for (const e of events) types[e.type] = (types[e.type] ?? 0) + 1;
    expect((await ctx.db.query(`SELECT count(*)::int AS n FROM webhook_events`))[0].n).toBe(0);
    if (PAYMENTS === 200) expect(events.length).toBeGreaterThanOrEqual(2000);

    const deliveries = stripeDeliveries(ctx, events, 0.3, 20261122);
    const t1 = Date.now();
    const answers = await deliverAll(ctx, deliveries);
    const ingestMs = Date.now() - t1;
    expect(answers.filter((a) => a.status !== 200)).toEqual([]);
    expect(answers.filter((a) => a.body.duplicate === false)).toHaveLength(events.length);

    await eventually(
      async () => (await ctx.db.query(`SELECT count(*)::int AS n FROM webhook_events WHERE status = 'RECEIVED'`))[0].n === 0,
      150_000,
      'every stored event processed',
    );
    const drainMs = Date.now() - t1;
    const byStatus = Object.fromEntries(
      (await ctx.db.query(`SELECT status, count(*)::int AS n FROM webhook_events GROUP BY status`)).map((r: { status: string; n: number }) => [r.status, r.n]),
    );
    expect(byStatus.FAILED ?? 0).toBe(0);
    expect((byStatus.PROCESSED ?? 0) + (byStatus.IGNORED ?? 0)).toBe(events.length);
    expect(await wrongFinalStates(ctx, runs)).toEqual([]);
    const report = await expectLedgerClean(ctx);
    console.log(
      `[webhook stream] ${PAYMENTS} payments, ${events.length} events, ${deliveries.length} deliveries (${deliveries.length - events.length} duplicates); ` +
        `setup ${setupMs} ms, ingest ${ingestMs} ms (${Math.round((deliveries.length / ingestMs) * 1000)}/s), all processed after ${drainMs} ms; ` +
        `inbox ${JSON.stringify(byStatus)}; types ${JSON.stringify(types)}; ledger ${JSON.stringify(report.counts)}`,
    );
  }, 180_000);

  it('ends in the same states when the emulator itself delivers with duplicates and reordering', async () => {
    ctx.emulator.setDeliveryPaused(false);
    ctx.emulator.setChaos({ duplicate: true, reorder: true });
    const runs = await pool(
      Array.from({ length: 8 }, (_, i) => i),
      4,
      async (i) => {
        const { paymentId } = await proposeAndAccept(ctx, company, influencer, { amount: 7000 + i, title: `Chaos ${i}` });
        const [{ pi }] = await ctx.db.query(`SELECT stripe_payment_intent_id AS pi FROM payments WHERE id = $1`, [paymentId]);
        const scenario = SCENARIOS[i % SCENARIOS.length];
        await play(ctx, pi, scenario);
        return { paymentId, scenario };
      },
    );
    await ctx.emulator.flushWebhooks();
    await eventually(
      async () => {
        const pending = (await ctx.db.query(`SELECT count(*)::int AS n FROM webhook_events WHERE status = 'RECEIVED'`))[0].n;
        return pending === 0 && (await wrongFinalStates(ctx, runs)).length === 0;
      },
      40_000,
      'chaos deliveries applied',
    );
    ctx.emulator.setChaos({ duplicate: false, reorder: false });
    expect(runs.map((r) => EXPECTED[r.scenario])).toContain('HELD');
    await expectLedgerClean(ctx);
  }, 90_000);
});
