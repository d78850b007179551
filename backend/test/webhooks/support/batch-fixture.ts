import { Client } from 'pg';
import type Stripe from 'stripe';
import { startStripeEmulator, StripeEmulator } from '@collabpay/stripe-emulator';
import { WebhookEventRepository } from '../../../src/modules/webhooks/webhook-event.repository';
import { WebhookProcessor } from '../../../src/modules/webhooks/webhook.processor';
import { createTestDatabase } from '../../support/database';
import { databaseUrlFor, TEST_DATABASE_URL } from '../../support/env';
import { createTestContext, TestContext } from '../../support/test-app';
import { PaymentRun, recordPaymentEvents } from './payment-scenarios';

/** Apps with no queue consumer of their own (the test calls the processor), emails queued (never sent). */
export const QUIET_ENV = {
  RUN_WORKER: 'false',
  WEBHOOK_SWEEP_INTERVAL_MS: '0',
  WEBHOOK_RECONCILE_INTERVAL_MS: '0',
  WEBHOOK_RECONCILE_ON_START: 'false',
  WEBHOOK_JOB_LOCK_MS: '2000',
  SMTP_URL: 'smtp://127.0.0.1:9',
};

/**
 * Payments and the Stripe events they produced, recorded once into a source database (users, collaborations,
 * PENDING payments with their intents; no event applied); `clone()` gives a fresh app on a copy of it, all
 * sharing one emulator, so the same events can be applied in different ways and the results compared.
 */
export interface BatchFixture {
  emulator: StripeEmulator;
  runs: PaymentRun[];
  events: Stripe.Event[];
  /** `env`: settings on top of QUIET_ENV. */
  clone(label: string, env?: Record<string, string>): Promise<TestContext>;
  /** A second app (its own processor, pool and queue prefix) on the database of `ctx`. */
  secondApp(ctx: TestContext, label: string): Promise<TestContext>;
  close(): Promise<void>;
}

export async function recordFixture(payments: number): Promise<BatchFixture> {
  const emulator = await startStripeEmulator({ port: 0, delays: { payoutMs: 300, processingMs: 200 } });
  const source = await createTestDatabase('batchsrc');
  const dbs = [source];
  const contexts: TestContext[] = [];
  const ctx = await createTestContext({ label: 'batchsrc', databaseUrl: source.url, sharedEmulator: emulator, env: QUIET_ENV });
  const company = await ctx.user('company', 'Batch Co');
  const influencer = await ctx.user('influencer', 'Batch Creator');
  const { runs, events } = await recordPaymentEvents(ctx, company, influencer, payments, 'Batch');
  await ctx.close(); // no session left on the source: it can be a template
  return {
    emulator,
    runs,
    events: [...events].sort((a, b) => a.created - b.created || a.id.localeCompare(b.id)),
    async clone(label, env = {}) {
      const db = await createTestDatabase(`batch${label}`);
      dbs.push(db);
      const admin = new Client({ connectionString: TEST_DATABASE_URL });
      await admin.connect();
      try {
        await admin.query(`DROP DATABASE "${db.name}"`);
        await admin.query(`CREATE DATABASE "${db.name}" TEMPLATE "${source.name}"`);
      } finally {
        await admin.end();
      }
      const c = await createTestContext({ label, databaseUrl: databaseUrlFor(db.name), sharedEmulator: emulator, env: { ...QUIET_ENV, ...env } });
      contexts.push(c);
      return c;
    },
    async secondApp(ctx, label) {
      const c = await createTestContext({ label, databaseUrl: ctx.databaseUrl, sharedEmulator: emulator, env: QUIET_ENV });
      contexts.push(c);
      return c;
    },
    async close() {
      await Promise.all(contexts.map((c) => c.close().catch(() => undefined)));
      await emulator.close();
      await Promise.all(dbs.map((d) => d.drop()));
    },
  };
}

/** Stores the events in the inbox in this order (received_at follows it). */
export async function store(ctx: TestContext, events: Stripe.Event[]): Promise<void> {
  const repo = ctx.app.get(WebhookEventRepository);
  for (const e of events) {
    await repo.insertMany([
      { id: e.id, type: e.type, account: e.account ?? null, livemode: e.livemode, created: e.created, payload: JSON.stringify(e), source: 'webhook' },
    ]);
  }
}

/** Applies each event through the processor, in order (batch 1: the per-event path only). */
export async function applyInOrder(ctx: TestContext, ids: string[], batch: number): Promise<void> {
  const processor = ctx.app.get(WebhookProcessor);
  for (const id of ids) await processor.processEvent(id, batch);
}

/**
 * Everything the events changed, without generated ids and timestamps: payments, collaborations, journal entries
 * with their postings (by idempotency key), accounts and balances, outbox rows in order, emails, inbox states.
 */
export async function stateOf(ctx: TestContext): Promise<Record<string, unknown>> {
  const q = (sql: string) => ctx.db.query(sql);
  return {
    payments: await q(`SELECT id, status, amount, currency, platform_fee, amount_released, amount_refunded, stripe_fee, stripe_charge_id,
                              stripe_payment_intent_id, method, failure_message, status_before_dispute, version, held_at IS NOT NULL AS held
                         FROM payments ORDER BY id`),
    collaborations: await q(`SELECT id, status FROM collaborations ORDER BY id`),
    entries: await q(`SELECT type, reference_type, reference_id, description, idempotency_key FROM journal_entries ORDER BY idempotency_key`),
    postings: await q(`SELECT e.idempotency_key, p.account_code, p.currency, p.amount, p.balance_after
                         FROM postings p JOIN journal_entries e ON e.id = p.entry_id ORDER BY e.idempotency_key, p.id`),
    accounts: await q(`SELECT code, currency, normal, non_negative, owner_user_id, balance FROM ledger_accounts ORDER BY code, currency`),
    outbox: await q(`SELECT user_id, event, payload FROM outbox_events ORDER BY id`),
    emails: await q(`SELECT user_id, kind, dedupe_key, payload FROM email_notifications ORDER BY user_id, dedupe_key`),
    inbox: await q(`SELECT id, status, attempts, last_error FROM webhook_events ORDER BY id`),
  };
}
