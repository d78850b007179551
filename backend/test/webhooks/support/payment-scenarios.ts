import type Stripe from 'stripe';
import { proposeAndAccept } from '../../support/flows';
import type { TestContext, TestUser } from '../../support/test-app';
import { deliver, pool, rng, shuffle } from './events';

/** What the company (through Stripe) does with each payment, and the state Stripe's events must lead to. */
export const EXPECTED = {
  paid: 'HELD',
  'declined-4x': 'FAILED',
  'declined-6x-then-paid': 'HELD',
  'declined-6x-then-canceled': 'CANCELED',
  // refunds made in Stripe and disputes: their events may be processed before the success they build on
  'declined-3x-then-refunded-twice-in-stripe': 'PARTIALLY_REFUNDED',
  'declined-3x-then-disputed': 'DISPUTED',
} as const;
export type Scenario = keyof typeof EXPECTED;
export const SCENARIOS = Object.keys(EXPECTED) as Scenario[];

export async function play(ctx: TestContext, pi: string, scenario: Scenario): Promise<void> {
  const confirm = (pm: string) => ctx.stripe.paymentIntents.confirm(pi, { payment_method: pm, return_url: 'http://localhost/return' }).catch((e: Error) => e);
  const declines = Number(/^declined-(\d)x/.exec(scenario)?.[1] ?? 0);
  for (let i = 0; i < declines; i++) await confirm('pm_card_chargeDeclined');
  if (scenario === 'paid' || scenario.endsWith('then-paid') || scenario.endsWith('refunded-twice-in-stripe')) await confirm('pm_card_visa');
  if (scenario.endsWith('disputed')) await confirm('pm_card_createDispute');
  if (scenario.endsWith('then-canceled')) await ctx.stripe.paymentIntents.cancel(pi);
  if (scenario.endsWith('refunded-twice-in-stripe')) {
    await ctx.stripe.refunds.create({ payment_intent: pi, amount: 1000 });
    await ctx.stripe.refunds.create({ payment_intent: pi, amount: 500 });
  }
}

export interface PaymentRun {
  paymentId: string;
  scenario: Scenario;
}

/**
 * Creates `n` collaborations (one PaymentIntent each) and plays a scenario on each through the SDK while the
 * emulator records but does not deliver events. Returns the payments and every event Stripe recorded.
 */
export async function recordPaymentEvents(
  ctx: TestContext,
  company: TestUser,
  influencer: TestUser,
  n: number,
  label = 'Stream',
): Promise<{ runs: PaymentRun[]; events: Stripe.Event[] }> {
  ctx.emulator.setDeliveryPaused(true);
  const since = Math.floor(Date.now() / 1000) - 2;
  const runs = await pool(
    Array.from({ length: n }, (_, i) => i),
    6,
    async (i) => {
      const { paymentId } = await proposeAndAccept(ctx, company, influencer, { amount: 5000 + i * 37, title: `${label} ${i}` });
      return { paymentId, scenario: SCENARIOS[i % SCENARIOS.length] };
    },
  );
  const intents = new Map<string, string>(
    (await ctx.db.query(`SELECT id, stripe_payment_intent_id AS pi FROM payments`)).map((r: { id: string; pi: string }) => [r.id, r.pi]),
  );
  await pool(runs, 6, ({ paymentId, scenario }) => play(ctx, intents.get(paymentId)!, scenario));
  const events: Stripe.Event[] = await ctx.stripe.events.list({ created: { gte: since }, limit: 100 }).autoPagingToArray({ limit: 10_000 });
  return { runs, events };
}

/** Every event once, plus `dupRate` of them again, shuffled; each signed with the secret of its endpoint. */
export function stripeDeliveries(
  ctx: TestContext,
  events: Stripe.Event[],
  dupRate: number,
  seed: number,
): Array<{ id: string; payload: string; secret: string }> {
  const random = rng(seed);
  const all = [...events];
  for (let i = 0; i < Math.round(events.length * dupRate); i++) all.push(events[Math.floor(random() * events.length)]);
  const payloads = new Map(events.map((e) => [e.id, JSON.stringify(e)]));
  return shuffle(all, random).map((e) => ({
    id: e.id,
    payload: payloads.get(e.id)!,
    secret: e.account ? ctx.config.stripe.connectWebhookSecret : ctx.config.stripe.webhookSecret,
  }));
}

export function deliverAll(ctx: TestContext, deliveries: Array<{ payload: string; secret: string }>, concurrency = 16) {
  return pool(deliveries, concurrency, (d) => deliver(ctx, d, { secret: d.secret }));
}

/** Payments whose status is not the one their scenario must end in. */
export async function wrongFinalStates(ctx: TestContext, runs: PaymentRun[]) {
  const statuses = new Map<string, string>(
    (await ctx.db.query(`SELECT id, status FROM payments`)).map((r: { id: string; status: string }) => [r.id, r.status]),
  );
  return runs.filter((c) => statuses.get(c.paymentId) !== EXPECTED[c.scenario]).map((c) => ({ ...c, status: statuses.get(c.paymentId) }));
}
