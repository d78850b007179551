/**
 * Fixtures of the webhook benchmarks: PENDING payments written through the app's repositories (fast setup), and
 * the `payment_intent.succeeded` event Stripe sends for each, complete enough that the handler never calls Stripe.
 */
import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { platformFee } from '../../src/common/money/currency';
import { CollaborationRepository } from '../../src/modules/collaborations/collaboration.repository';
import { PaymentRepository } from '../../src/modules/payments/payment.repository';
import { pool, rng } from './bench-kit';

export interface SeededPayment {
  paymentId: string;
  collaborationId: string;
  intentId: string;
  amount: number;
  /** what Stripe's balance transaction will report as its fee */
  fee: number;
}

/** Stripe's US card pricing (2.9% + 30¢), what the balance transaction reports as the fee. */
export const stripeFee = (amount: number) => Math.round(amount * 0.029) + 30;

/** What Stripe sends for a captured card payment, with the charge and its balance transaction expanded. */
export function succeededEvent(p: SeededPayment): { id: string; payload: string } {
  const id = `evt_bench_${randomBytes(12).toString('hex')}`;
  const created = Math.floor(Date.now() / 1000);
  const chargeId = `ch_bench_${randomBytes(12).toString('hex')}`;
  const intent = {
    id: p.intentId,
    object: 'payment_intent',
    amount: p.amount,
    amount_received: p.amount,
    currency: 'usd',
    status: 'succeeded',
    livemode: false,
    created,
    transfer_group: p.collaborationId,
    metadata: { payment_id: p.paymentId, collaboration_id: p.collaborationId },
    latest_charge: {
      id: chargeId,
      object: 'charge',
      amount: p.amount,
      currency: 'usd',
      paid: true,
      status: 'succeeded',
      payment_intent: p.intentId,
      balance_transaction: {
        id: `txn_bench_${randomBytes(12).toString('hex')}`,
        object: 'balance_transaction',
        amount: p.amount,
        currency: 'usd',
        fee: p.fee,
        net: p.amount - p.fee,
        status: 'available',
        type: 'charge',
        source: chargeId,
      },
    },
  };
  const event = {
    id,
    object: 'event',
    api_version: '2026-10-28.endive',
    created,
    data: { object: intent },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type: 'payment_intent.succeeded',
  };
  return { id, payload: JSON.stringify(event) };
}

/**
 * `count` accepted collaborations with their PENDING payment and PaymentIntent id, between `parties` companies
 * and as many influencers (new users each call), through CollaborationRepository and PaymentRepository.
 */
export async function seedPendingPayments(ds: DataSource, opts: { count: number; parties: number; seed: number; feeBps?: number }): Promise<SeededPayment[]> {
  const tag = randomBytes(4).toString('hex');
  const users = async (role: 'company' | 'influencer'): Promise<string[]> =>
    (
      await ds.query(
        `INSERT INTO users (email, password_hash, name, role)
         SELECT 'bench-' || $1 || '-' || $3 || '-' || g || '@bench.collabpay.dev', 'not-a-login', 'Bench ' || $1 || ' ' || g, $1
         FROM generate_series(1, $2::int) g RETURNING id`,
        [role, opts.parties, tag],
      )
    ).map((r: { id: string }) => r.id);
  const companies = await users('company');
  const influencers = await users('influencer');
  const collaborations = new CollaborationRepository(ds);
  const payments = new PaymentRepository(ds);
  const random = rng(opts.seed ^ 0x5eed);
  const { count, parties } = opts;
  const chunks = Array.from({ length: Math.ceil(count / 100) }, (_, c) => Array.from({ length: Math.min(100, count - c * 100) }, (_, i) => c * 100 + i));
  const out = await pool(chunks, 4, (chunk) =>
    ds.transaction(async (em) => {
      const rows: SeededPayment[] = [];
      for (const i of chunk) {
        const amount = 5_000 + Math.floor(random() * 500_000);
        const companyId = companies[i % parties];
        const influencerId = influencers[(i * 7 + 3) % parties];
        const c = await collaborations.insert(
          em,
          { companyId, influencerId, title: `Bench campaign ${i}`, description: null, amount, currency: 'usd', reviewPeriodDays: 7, platformFeeBps: 1000 },
          [],
        );
        await collaborations.setStatus(em, c.id, 'ACCEPTED', 'accepted');
        const p = await payments.insert(em, {
          collaborationId: c.id,
          companyId,
          influencerId,
          amount,
          currency: 'usd',
          platformFee: platformFee(amount, opts.feeBps ?? 1000),
        });
        const intentId = `pi_bench_${randomBytes(12).toString('hex')}`;
        await payments.attachIntent(em, p.id, intentId, `${intentId}_secret_${randomBytes(8).toString('hex')}`);
        rows.push({ paymentId: p.id, collaborationId: c.id, intentId, amount, fee: stripeFee(amount) });
      }
      return rows;
    }),
  );
  return out.flat();
}
