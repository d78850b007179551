import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Stripe from 'stripe';
import { QUEUES } from '../../src/common/queue/queue.module';
import { RefundsService } from '../../src/modules/payments/refunds/refunds.service';
import { REFUNDS_RECONCILE_JOB } from '../../src/modules/payments/refunds/refunds-reconcile.job';
import { STRIPE } from '../../src/modules/stripe/stripe.module';
import { expectLedgerClean, payWith, proposeAndAccept } from '../support/flows';
import { StripeLockGuard } from '../support/stripe-lock-guard';
import { createTestContext, eventually, TestContext, TestUser } from '../support/test-app';

/** Refunds: reserve → Stripe call outside any lock → finish; races; reconciliation of a crash in between. */
describe('refunds (real Postgres, Redis and the Stripe emulator via the SDK)', () => {
  let ctx: TestContext;
  let company: TestUser;
  let influencer: TestUser;

  beforeAll(async () => {
    ctx = await createTestContext({ label: 'refunds' });
    [company, influencer] = await Promise.all([ctx.user('company', 'Acme'), ctx.user('influencer', 'Ava')]);
  });
  afterEach(() => {
    ctx.emulator.setDeliveryPaused(false);
    ctx.emulator.faults.clear();
    jest.restoreAllMocks();
  });
  afterAll(() => ctx?.close());

  const held = async (amount: number, milestones?: Array<{ title: string; amount: number }>) => {
    const { collaboration, paymentId } = await proposeAndAccept(ctx, company, influencer, { amount, milestones });
    const paid = await payWith(ctx, company, collaboration.id);
    expect(paid.payment.status).toBe('HELD');
    return { collaborationId: collaboration.id as string, paymentId, piId: paid.piId };
  };
  const refund = (paymentId: string, body: { amount?: number } = {}, key?: string) =>
    ctx.http.post(`/api/payments/${paymentId}/refund`, body, { token: company.token, headers: key ? { 'Idempotency-Key': key } : undefined });
  const release = (collaborationId: string) => ctx.http.post(`/api/payments/collaboration/${collaborationId}/release`, {}, { token: company.token });
  const row = async (id: string) =>
    (await ctx.db.query(`SELECT status, amount_refunded::int AS refunded, amount_released::int AS released FROM payments WHERE id = $1`, [id]))[0];
  const refundRows = (paymentId: string) =>
    ctx.db.query(`SELECT status, amount::int AS amount, stripe_refund_id FROM refunds WHERE payment_id = $1 ORDER BY created_at`, [paymentId]);
  const stripeRefunded = async (piId: string) =>
    (await ctx.stripe.refunds.list({ payment_intent: piId, limit: 100 })).data.filter((r) => r.status === 'succeeded').reduce((s, r) => s + r.amount, 0);

  describe('no Stripe call while a row lock is held', () => {
    let guard: StripeLockGuard;
    beforeEach(async () => (guard = await StripeLockGuard.attach(ctx)));
    afterEach(() => guard.detach());
    const webhooksApplied = async () => {
      await ctx.emulator.flushWebhooks();
      await eventually(
        async () => (await ctx.db.query(`SELECT count(*)::int AS n FROM webhook_events WHERE status = 'RECEIVED'`))[0].n === 0,
        20_000,
        'webhooks applied',
      );
    };

    it('the guard sees a Stripe call made inside a transaction holding a payment row lock (the bad case)', async () => {
      const { paymentId } = await held(5000);
      // the payment's own webhooks are applied first: their Stripe reads must not race the bad case below
      await webhooksApplied();
      guard.clear();
      await ctx.db.transaction(async (em) => {
        await em.query(`SELECT id FROM payments WHERE id = $1 FOR UPDATE`, [paymentId]);
        await ctx.app.get<Stripe>(STRIPE).balance.retrieve();
      });
      const seen = guard.violations();
      expect(seen.map((v) => v.request)).toEqual(['GET /v1/balance']);
      expect(seen[0].locks).toContain('payments (RowShareLock)');
    });

    it("the guard counts the calling flow's locks only: a request's own lock is seen, a lock other work holds meanwhile is not", async () => {
      const { paymentId } = await held(5000);
      await webhooksApplied();
      const stripe = ctx.app.get<Stripe>(STRIPE);
      const lock = (em: { query(sql: string, params: unknown[]): Promise<unknown> }) =>
        em.query(`SELECT id FROM payments WHERE id = $1 FOR UPDATE`, [paymentId]);
      // each request this server serves is a flow of its own, as the app's are
      const server = createServer((req, res) => {
        const work =
          req.url === '/locked'
            ? ctx.db.transaction(async (em) => {
                await lock(em);
                await stripe.balance.retrieve();
              })
            : stripe.balance.retrieve();
        work.then(
          () => res.end('ok'),
          () => res.writeHead(500).end(),
        );
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      try {
        guard.clear();
        expect((await fetch(`${url}/locked`)).status).toBe(200);
        expect(guard.violations().map((v) => v.request)).toEqual(['GET /v1/balance']);
        expect(guard.violations()[0].locks).toContain('payments (RowShareLock)');

        guard.clear();
        await ctx.db.transaction(async (em) => {
          await lock(em);
          expect((await fetch(`${url}/free`)).status).toBe(200);
        });
        expect(guard.calls.map((c) => c.request)).toEqual(['GET /v1/balance']);
        expect(guard.violations()).toEqual([]);
      } finally {
        await new Promise((r) => server.close(r));
      }
    });

    it('refunds (partial, full, lost answer and retry) and releases call Stripe with no row lock held', async () => {
      ctx.emulator.setDeliveryPaused(true); // one step at a time: every lock seen belongs to the calling request
      const { paymentId, collaborationId } = await held(30000);
      guard.clear();
      expect((await refund(paymentId, { amount: 10000 })).status).toBe(200);
      ctx.emulator.faults.add({ method: 'POST', path: '^/v1/refunds$', mode: 'lose_response', times: 3 });
      expect((await refund(paymentId, { amount: 5000 }, 'lost-1')).status).toBe(502);
      expect((await refund(paymentId, { amount: 5000 }, 'lost-1')).status).toBe(200);
      expect((await release(collaborationId)).status).toBe(200);
      expect(guard.calls.filter((c) => c.request === 'POST /v1/refunds').length).toBeGreaterThanOrEqual(5);
      expect(guard.violations()).toEqual([]);
      expect(await row(paymentId)).toEqual({ status: 'RELEASED', refunded: 15000, released: 15000 });
      ctx.emulator.setDeliveryPaused(false);
      await ctx.emulator.flushWebhooks();
      await expectLedgerClean(ctx);
    });
  });

  it('while a refund waits at Stripe, the same payment can be read and its unreserved money released; the reserved part cannot', async () => {
    const { paymentId, collaborationId, piId } = await held(10000, [
      { title: 'a', amount: 3000 },
      { title: 'b', amount: 7000 },
    ]);
    const milestones = (await ctx.http.get(`/api/collaborations/${collaborationId}`, { token: company.token })).body.milestones;
    ctx.emulator.faults.add({ method: 'POST', path: '^/v1/refunds$', mode: 'delay', delayMs: 2500, times: 1 });
    const order: string[] = [];
    const refunding = refund(paymentId, { amount: 7000 }).then((r) => (order.push('refund'), r));
    await eventually(async () => (await refundRows(paymentId)).length === 1, 5000, 'refund reserved');
    const read = await ctx.http.get(`/api/payments/${paymentId}`, { token: company.token });
    expect(read.body).toMatchObject({ amountRefunded: 0, status: 'HELD' });
    const a = await ctx.http.post(`/api/payments/collaboration/${collaborationId}/release`, { milestoneId: milestones[0].id }, { token: company.token });
    order.push('release');
    expect(a.status).toBe(200);
    // milestone b's 7000 are reserved by the refund
    const b = await ctx.http.post(`/api/payments/collaboration/${collaborationId}/release`, { milestoneId: milestones[1].id }, { token: company.token });
    expect(b.status).toBe(409);
    expect((await refund(paymentId, { amount: 1 })).status).toBe(409);
    const r = await refunding;
    expect(r.status).toBe(200);
    expect(order).toEqual(['release', 'refund']);
    expect(await row(paymentId)).toEqual({ status: 'RELEASED', refunded: 7000, released: 3000 });
    await ctx.emulator.flushWebhooks();
    expect(await stripeRefunded(piId)).toBe(7000);
    await expectLedgerClean(ctx);
  });

  it('20 concurrent refunds of one payment never refund more than is held', async () => {
    const { paymentId, piId } = await held(10000);
    const answers = await Promise.all(Array.from({ length: 20 }, () => refund(paymentId, { amount: 1500 })));
    const ok = answers.filter((a) => a.status === 200).length;
    expect(ok).toBe(6); // 6 × 1500 = 9000 ≤ 10000 < 7 × 1500
    expect(answers.filter((a) => a.status !== 200).map((a) => a.body.code)).toEqual(Array(14).fill('AMOUNT_EXCEEDS_HELD'));
    await ctx.emulator.flushWebhooks();
    expect(await stripeRefunded(piId)).toBe(9000);
    expect(await row(paymentId)).toEqual({ status: 'PARTIALLY_REFUNDED', refunded: 9000, released: 0 });
    // the rest, by 20 concurrent "refund everything" requests: exactly one gets it
    const rest = await Promise.all(Array.from({ length: 20 }, () => refund(paymentId)));
    expect(rest.filter((a) => a.status === 200)).toHaveLength(1);
    await ctx.emulator.flushWebhooks();
    expect(await stripeRefunded(piId)).toBe(10000);
    expect(await row(paymentId)).toEqual({ status: 'REFUNDED', refunded: 10000, released: 0 });
    await expectLedgerClean(ctx);
  });

  it('a refund racing a release never over-commits the held money', async () => {
    for (let round = 0; round < 4; round++) {
      const { paymentId, collaborationId, piId } = await held(8000);
      const [r, l] = await Promise.all([refund(paymentId), release(collaborationId)]);
      expect([r.status, l.status].sort()).toEqual([200, 409]);
      await ctx.emulator.flushWebhooks();
      const p = await row(paymentId);
      expect(p.refunded + p.released).toBe(8000);
      expect(await stripeRefunded(piId)).toBe(p.refunded);
    }
    await expectLedgerClean(ctx);
  });

  describe('a crash between the Stripe call and the finish is resolved by reconciliation', () => {
    it('the finish fails after Stripe refunded: charge.refunded does not book it; reconciliation books it once', async () => {
      const { paymentId, piId } = await held(20000);
      const service = ctx.app.get(RefundsService);
      jest.spyOn(service, 'finish').mockRejectedValueOnce(new Error('process killed after the Stripe call'));
      const crashed = await refund(paymentId, { amount: 6000 });
      expect(crashed.status).toBe(500);
      await ctx.emulator.flushWebhooks();
      expect(await stripeRefunded(piId)).toBe(6000);
      // Stripe's charge.refunded was applied, and did not book the reserved refund (its finish will)
      await eventually(async () => (await ctx.db.query(`SELECT 1 FROM webhook_events WHERE type = 'charge.refunded' AND status <> 'RECEIVED'`)).length > 0);
      expect(await row(paymentId)).toEqual({ status: 'HELD', refunded: 0, released: 0 });
      expect((await refundRows(paymentId)).map((r: { status: string }) => r.status)).toEqual(['PENDING']);
      // the reserved money is not releasable meanwhile
      expect((await refund(paymentId, { amount: 14001 })).body.code).toBe('AMOUNT_EXCEEDS_HELD');

      expect(await service.reconcile(60_000)).toEqual({ booked: 0, released: 0, failed: 0 }); // too young
      expect(await service.reconcile(0)).toEqual({ booked: 1, released: 0, failed: 0 });
      expect(await service.reconcile(0)).toEqual({ booked: 0, released: 0, failed: 0 });
      expect(await row(paymentId)).toEqual({ status: 'PARTIALLY_REFUNDED', refunded: 6000, released: 0 });
      const [r] = await refundRows(paymentId);
      expect(r).toMatchObject({ status: 'SUCCEEDED', amount: 6000 });
      expect(r.stripe_refund_id).toMatch(/^re_/);
      expect(await stripeRefunded(piId)).toBe(6000);
      await expectLedgerClean(ctx);
    });

    it('a lost answer without a client key: reconciliation finds the refund by its metadata and books it once', async () => {
      const { paymentId, piId } = await held(9000);
      ctx.emulator.faults.add({ method: 'POST', path: '^/v1/refunds$', mode: 'lose_response', times: 3 });
      expect((await refund(paymentId, { amount: 4000 })).status).toBe(502);
      expect(await ctx.app.get(RefundsService).reconcile(0)).toEqual({ booked: 1, released: 0, failed: 0 });
      await ctx.emulator.flushWebhooks();
      expect(await row(paymentId)).toEqual({ status: 'PARTIALLY_REFUNDED', refunded: 4000, released: 0 });
      expect(await stripeRefunded(piId)).toBe(4000);
      await expectLedgerClean(ctx);
    });

    it('a request that never reached Stripe: reconciliation releases the reservation', async () => {
      const { paymentId, piId } = await held(9000);
      ctx.emulator.faults.add({ method: 'POST', path: '^/v1/refunds$', mode: 'error_before', times: 3 });
      expect((await refund(paymentId, { amount: 4000 })).status).toBe(502);
      expect((await refund(paymentId, { amount: 5001 })).body.code).toBe('AMOUNT_EXCEEDS_HELD'); // 4000 of 9000 reserved
      expect(await ctx.app.get(RefundsService).reconcile(0)).toEqual({ booked: 0, released: 1, failed: 0 });
      expect((await refundRows(paymentId)).map((r: { status: string }) => r.status)).toEqual(['FAILED']);
      expect(await stripeRefunded(piId)).toBe(0);
      expect(await row(paymentId)).toEqual({ status: 'HELD', refunded: 0, released: 0 });
      await expectLedgerClean(ctx);
    });
  });

  it('reconciliation is scheduled as a Bull repeatable job', async () => {
    const queue = ctx.app.get<Queue>(getQueueToken(QUEUES.maintenance));
    await eventually(async () => (await queue.getRepeatableJobs()).some((j) => j.name === REFUNDS_RECONCILE_JOB));
    const job = (await queue.getRepeatableJobs()).find((j) => j.name === REFUNDS_RECONCILE_JOB)!;
    expect(Number(job.every)).toBe(ctx.config.refundReconcileIntervalMs);
  });
});
