import { ClawbackRefundReconciler } from '../../src/modules/clawback/clawback-refund-reconciler';
import { ClawbackService } from '../../src/modules/clawback/clawback.service';
import { DisputeRefundReconciler } from '../../src/modules/disputes/dispute-refund-reconciler';
import { DisputeResolutionService } from '../../src/modules/disputes/dispute-resolution.service';
import { DisputeRepository } from '../../src/modules/disputes/dispute.repository';
import { PaymentRepository } from '../../src/modules/payments/payment.repository';
import { RefundsReconcileJob } from '../../src/modules/payments/refunds/refunds-reconcile.job';
import { expectLedgerClean } from '../support/flows';
import { StripeLockGuard } from '../support/stripe-lock-guard';
import { createTestContext, TestContext, TestUser } from '../support/test-app';
import { funded } from '../workflow/support';
import { fault, loseEveryAttempt, sdkAttempts } from './support';

const NONE = { booked: 0, released: 0, failed: 0 };

/**
 * Refunds reserved by a dispute resolution or a clawback whose request died (answer lost, request never sent):
 * reconciliation books what Stripe refunded once — racing the admin's retry too — or releases the reservation.
 */
describe('stripe faults: refund reservations of disputes and clawbacks', () => {
  let ctx: TestContext;
  let company: TestUser;
  let influencer: TestUser;
  let admin: TestUser;

  beforeAll(async () => {
    ctx = await createTestContext({ label: 'faults-resv' });
    [company, influencer, admin] = await Promise.all([ctx.user('company'), ctx.user('influencer'), ctx.user('admin')]);
  });
  afterAll(() => ctx?.close());
  afterEach(() => ctx.emulator.faults.clear());

  const neverReached = () => fault(ctx, { method: 'POST', path: '^/v1/refunds$', mode: 'error_before', times: sdkAttempts(ctx) });
  const stripeRefunds = async (paymentId: string) => {
    const [p] = await ctx.db.query(`SELECT stripe_payment_intent_id AS pi FROM payments WHERE id = $1`, [paymentId]);
    return (await ctx.stripe.refunds.list({ payment_intent: p.pi })).data.map((r) => r.amount);
  };
  const entries = async (paymentId: string, type: string) =>
    (await ctx.db.query(`SELECT count(*)::int AS n FROM journal_entries WHERE reference_id = $1 AND type = $2`, [paymentId, type]))[0].n;
  /** Runs `work` and checks that its Stripe reads (the refunds list) went out while no row lock was held. */
  async function unlocked<T>(work: () => Promise<T>): Promise<T> {
    const guard = await StripeLockGuard.attach(ctx);
    try {
      const out = await work();
      expect(guard.calls.map((c) => c.request)).toContain('GET /v1/refunds');
      expect(guard.violations()).toEqual([]);
      return out;
    } finally {
      await guard.detach();
    }
  }
  const payment = async (paymentId: string) => (await ctx.http.get(`/api/payments/${paymentId}`, { token: company.token })).body;

  describe('dispute resolution', () => {
    const reconcile = (olderThanMs = 0) => ctx.app.get(DisputeRefundReconciler).reconcile(olderThanMs);
    const split = { releaseAmount: 3000, refundAmount: 5000, note: 'split' };
    const resolve = (id: string, body = split) => ctx.http.post(`/api/admin/disputes/${id}/resolve`, body, { token: admin.token });
    const pending = async (id: string) => (await ctx.db.query(`SELECT pending_resolution AS p FROM disputes WHERE id = $1`, [id]))[0].p;

    async function disputed() {
      const { collaboration: c, paymentId } = await funded(ctx, company, influencer, { amount: 8000 });
      const d = await ctx.http.post(`/api/collaborations/${c.id}/disputes`, { reason: 'other', details: 'x' }, { token: influencer.token });
      expect(d.status).toBe(201);
      return { disputeId: d.body.id as string, paymentId };
    }

    it('an answer lost after Stripe refunded: reconciliation books it once; the admin retry answers the resolution and refunds nothing more', async () => {
      const { disputeId, paymentId } = await disputed();
      loseEveryAttempt(ctx, 'POST', '^/v1/refunds$');
      expect((await resolve(disputeId)).status).toBe(502);
      ctx.emulator.faults.clear();
      await ctx.emulator.flushWebhooks(); // charge.refunded does not book the reserved refund
      expect(await payment(paymentId)).toMatchObject({ amountRefunded: 0, amountReleased: 0 });

      expect(await unlocked(() => reconcile())).toEqual({ ...NONE, booked: 1 });
      expect(await reconcile()).toEqual(NONE);
      expect(await payment(paymentId)).toMatchObject({ amountReleased: 3000, amountRefunded: 5000 });
      expect(await pending(disputeId)).toBeNull();
      const again = await resolve(disputeId);
      expect(again).toMatchObject({ status: 200, body: { status: 'RESOLVED', resolution: { releaseAmount: 3000, refundAmount: 5000 } } });
      expect(again.body.resolution.stripeRefundId).toMatch(/^re_/);
      expect(await stripeRefunds(paymentId)).toEqual([5000]);
      expect(await entries(paymentId, 'dispute_resolution')).toBe(1);
      await expectLedgerClean(ctx);
    });

    it('a request that never reached Stripe: reconciliation releases the reservation and another split resolves it', async () => {
      const { disputeId, paymentId } = await disputed();
      neverReached();
      expect((await resolve(disputeId)).status).toBe(502);
      ctx.emulator.faults.clear();
      expect((await resolve(disputeId, { releaseAmount: 4000, refundAmount: 4000, note: 'other' })).body.code).toBe('DISPUTE_RESOLUTION_IN_PROGRESS');

      expect(await unlocked(() => reconcile())).toEqual({ ...NONE, released: 1 });
      expect(await pending(disputeId)).toBeNull();
      expect(await stripeRefunds(paymentId)).toEqual([]);
      const other = await resolve(disputeId, { releaseAmount: 4000, refundAmount: 4000, note: 'other' });
      expect(other.body).toMatchObject({ status: 'RESOLVED', resolution: { releaseAmount: 4000, refundAmount: 4000 } });
      expect(await stripeRefunds(paymentId)).toEqual([4000]);
      expect(await payment(paymentId)).toMatchObject({ amountReleased: 4000, amountRefunded: 4000 });
      await expectLedgerClean(ctx);
    });

    it('a fresh reservation is left alone (its request may still be waiting on Stripe)', async () => {
      const { disputeId, paymentId } = await disputed();
      neverReached();
      expect((await resolve(disputeId)).status).toBe(502);
      ctx.emulator.faults.clear();
      expect(await reconcile(60_000)).toEqual(NONE);
      // the scheduled run uses REFUND_RESERVATION_STALE_MS (minutes): nothing to do yet either
      expect((await ctx.app.get(RefundsReconcileJob).run()).disputes).toEqual(NONE);
      expect(await pending(disputeId)).toMatchObject({ releaseAmount: 3000, refundAmount: 5000 });
      expect((await resolve(disputeId)).body).toMatchObject({ status: 'RESOLVED' });
      expect(await stripeRefunds(paymentId)).toEqual([5000]);
      await expectLedgerClean(ctx);
    });

    it('reconciliation racing the admin retry: one refund, one journal entry', async () => {
      const { disputeId, paymentId } = await disputed();
      loseEveryAttempt(ctx, 'POST', '^/v1/refunds$');
      expect((await resolve(disputeId)).status).toBe(502);
      ctx.emulator.faults.clear();
      const [, retried] = await Promise.all([reconcile(), resolve(disputeId)]);
      expect(retried.body).toMatchObject({ status: 'RESOLVED', resolution: { releaseAmount: 3000, refundAmount: 5000 } });
      expect(await reconcile()).toEqual(NONE);
      expect(await stripeRefunds(paymentId)).toEqual([5000]);
      expect(await entries(paymentId, 'dispute_resolution')).toBe(1);
      expect(await payment(paymentId)).toMatchObject({ amountReleased: 3000, amountRefunded: 5000 });
      await expectLedgerClean(ctx);
    });
  });

  it('a reservation renewed by a retry after reconciliation read it is not released (that retry may be at Stripe)', async () => {
    const { collaboration: c, paymentId } = await funded(ctx, company, influencer, { amount: 8000 });
    const d = (await ctx.http.post(`/api/collaborations/${c.id}/disputes`, { reason: 'other', details: 'x' }, { token: influencer.token })).body;
    const resolve = () =>
      ctx.http.post(`/api/admin/disputes/${d.id}/resolve`, { releaseAmount: 0, refundAmount: 8000, note: 'all back' }, { token: admin.token });
    neverReached();
    expect((await resolve()).status).toBe(502);
    const read = (await ctx.app.get(DisputeRepository).listStalePending(0)).find((x) => x.id === d.id)!;
    neverReached();
    expect((await resolve()).status).toBe(502); // the retry renews the reservation
    ctx.emulator.faults.clear();
    expect(await ctx.app.get(DisputeResolutionService).release(d.id, read.pendingResolution!)).toBe(false);
    expect(await ctx.app.get(DisputeRefundReconciler).reconcile(60_000)).toEqual(NONE);
    expect((await resolve()).body).toMatchObject({ status: 'RESOLVED' });
    expect(await stripeRefunds(paymentId)).toEqual([8000]);

    // the same for a clawback: a renewed reservation stays
    const released = await funded(ctx, company, influencer, { amount: 6000 });
    await ctx.http.post(`/api/payments/collaboration/${released.collaboration.id}/release`, {}, { token: company.token });
    const claw = () => ctx.http.post(`/api/admin/payments/${released.paymentId}/clawback`, { amount: 1000, reason: 'x' }, { token: admin.token });
    neverReached();
    expect((await claw()).status).toBe(502);
    const p = (await ctx.app.get(PaymentRepository).listStaleClawbacks(0)).find((x) => x.id === released.paymentId)!;
    neverReached();
    expect((await claw()).status).toBe(502);
    ctx.emulator.faults.clear();
    expect(await ctx.app.get(ClawbackService).release(p.id, p.pendingClawback!)).toBe(false);
    expect((await claw()).body).toMatchObject({ amountClawedBack: 1000 });
    await expectLedgerClean(ctx);
  });

  describe('clawback', () => {
    const reconcile = (olderThanMs = 0) => ctx.app.get(ClawbackRefundReconciler).reconcile(olderThanMs);
    const body = { amount: 2000, reason: 'Removed' };
    const clawback = (paymentId: string, key: string, b: { amount: number; reason: string } = body) =>
      ctx.http.post(`/api/admin/payments/${paymentId}/clawback`, b, { token: admin.token, headers: { 'idempotency-key': key } });
    const pending = async (id: string) => (await ctx.db.query(`SELECT pending_clawback AS p FROM payments WHERE id = $1`, [id]))[0].p;

    async function released() {
      const { collaboration: c, paymentId } = await funded(ctx, company, influencer, { amount: 6000 });
      expect((await ctx.http.post(`/api/payments/collaboration/${c.id}/release`, {}, { token: company.token })).status).toBe(200);
      return paymentId;
    }

    it('an answer lost after Stripe refunded: reconciliation books it once; the admin retry (same key, same body) answers it and claws back nothing more', async () => {
      const paymentId = await released();
      loseEveryAttempt(ctx, 'POST', '^/v1/refunds$');
      expect((await clawback(paymentId, 'cb-lost')).status).toBe(502);
      ctx.emulator.faults.clear();
      await ctx.emulator.flushWebhooks();
      expect(await payment(paymentId)).toMatchObject({ amountClawedBack: 0, amountRefunded: 0 });

      expect(await unlocked(() => reconcile())).toEqual({ ...NONE, booked: 1 });
      expect(await reconcile()).toEqual(NONE);
      expect(await payment(paymentId)).toMatchObject({ amountClawedBack: 2000, amountRefunded: 0 });
      expect(await pending(paymentId)).toBeNull();
      expect(await clawback(paymentId, 'cb-lost')).toMatchObject({ status: 200, body: { amountClawedBack: 2000 } });
      expect(await stripeRefunds(paymentId)).toEqual([2000]);
      expect(await entries(paymentId, 'clawback')).toBe(1);
      await expectLedgerClean(ctx);
    });

    it('a request that never reached Stripe: reconciliation releases the reservation and another amount can be clawed back', async () => {
      const paymentId = await released();
      neverReached();
      expect((await clawback(paymentId, 'cb-never')).status).toBe(502);
      ctx.emulator.faults.clear();
      expect((await clawback(paymentId, 'cb-other', { amount: 1500, reason: 'Removed' })).body.code).toBe('CLAWBACK_IN_PROGRESS');

      expect(await unlocked(() => reconcile())).toEqual({ ...NONE, released: 1 });
      expect(await pending(paymentId)).toBeNull();
      expect(await stripeRefunds(paymentId)).toEqual([]);
      expect(await clawback(paymentId, 'cb-other-2', { amount: 1500, reason: 'Removed' })).toMatchObject({ status: 200, body: { amountClawedBack: 1500 } });
      expect(await stripeRefunds(paymentId)).toEqual([1500]);
      await expectLedgerClean(ctx);
    });

    it('a fresh reservation is left alone (its request may still be waiting on Stripe)', async () => {
      const paymentId = await released();
      neverReached();
      expect((await clawback(paymentId, 'cb-fresh')).status).toBe(502);
      ctx.emulator.faults.clear();
      expect(await reconcile(60_000)).toEqual(NONE);
      expect((await ctx.app.get(RefundsReconcileJob).run()).clawbacks).toEqual(NONE);
      expect(await pending(paymentId)).toMatchObject({ amount: 2000, reason: 'Removed' });
      expect(await clawback(paymentId, 'cb-fresh')).toMatchObject({ status: 200, body: { amountClawedBack: 2000 } });
      expect(await stripeRefunds(paymentId)).toEqual([2000]);
      await expectLedgerClean(ctx);
    });

    it('reconciliation racing the admin retry: one refund, one journal entry', async () => {
      const paymentId = await released();
      loseEveryAttempt(ctx, 'POST', '^/v1/refunds$');
      expect((await clawback(paymentId, 'cb-race')).status).toBe(502);
      ctx.emulator.faults.clear();
      const [, retried] = await Promise.all([reconcile(), clawback(paymentId, 'cb-race')]);
      expect(retried).toMatchObject({ status: 200, body: { amountClawedBack: 2000 } });
      expect(await reconcile()).toEqual(NONE);
      expect(await stripeRefunds(paymentId)).toEqual([2000]);
      expect(await entries(paymentId, 'clawback')).toBe(1);
      await expectLedgerClean(ctx);
    });

    it('a reservation from before reservations had ids is matched by amount and reason, once', async () => {
      const paymentId = await released();
      loseEveryAttempt(ctx, 'POST', '^/v1/refunds$');
      expect((await clawback(paymentId, 'cb-legacy')).status).toBe(502);
      ctx.emulator.faults.clear();
      // as written by the previous version: no id, no time, no request key
      await ctx.db.query(`UPDATE payments SET pending_clawback = pending_clawback - 'id' - 'reservedAt' - 'requestKey' WHERE id = $1`, [paymentId]);
      expect(await reconcile()).toEqual({ ...NONE, booked: 1 });
      expect(await payment(paymentId)).toMatchObject({ amountClawedBack: 2000 });
      expect(await stripeRefunds(paymentId)).toEqual([2000]);
      expect(await entries(paymentId, 'clawback')).toBe(1);
      await expectLedgerClean(ctx);
    });
  });
});
