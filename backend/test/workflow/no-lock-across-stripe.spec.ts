import { expectLedgerClean } from '../support/flows';
import { createTestContext, eventually, TestContext, TestUser } from '../support/test-app';
import { approve, funded } from './support';

/**
 * No row lock is held across a Stripe call: while a refund, a dispute resolution's refund or a clawback's refund
 * waits at Stripe (the emulator delays it), other money paths of the same payment go on; a lost Stripe answer
 * leaves a reservation that the retried request completes exactly once.
 */
describe('workflow: reserve → Stripe → finish', () => {
  let ctx: TestContext;
  let company: TestUser;
  let influencer: TestUser;
  let admin: TestUser;

  beforeAll(async () => {
    ctx = await createTestContext({ label: 'wf-nolock' });
    [company, influencer, admin] = await Promise.all([ctx.user('company'), ctx.user('influencer'), ctx.user('admin')]);
  });
  afterAll(() => ctx?.close());
  afterEach(() => ctx.emulator.faults.clear());

  it('a refund waiting at Stripe reserves its amount: approval of another milestone goes on, a second refund is 409', async () => {
    const {
      collaboration: c,
      paymentId,
      milestones,
    } = await funded(ctx, company, influencer, {
      amount: 10000,
      milestones: [
        { title: 'a', amount: 3000 },
        { title: 'b', amount: 7000 },
      ],
    });
    ctx.emulator.faults.add({ method: 'POST', path: '^/v1/refunds$', mode: 'delay', delayMs: 3000 });
    const order: string[] = [];
    const refund = ctx.http.post(`/api/payments/${paymentId}/refund`, { amount: 7000 }, { token: company.token }).then((r) => {
      order.push('refund');
      return r;
    });
    // the refund is reserved and waiting at Stripe
    await eventually(async () => (await ctx.db.query(`SELECT 1 FROM payments WHERE id = $1 AND pending_refund IS NOT NULL`, [paymentId])).length > 0);
    const second = await ctx.http.post(`/api/payments/${paymentId}/refund`, { amount: 100 }, { token: company.token });
    expect(second).toMatchObject({ status: 409, body: { code: 'REFUND_IN_PROGRESS' } });
    // 3000 of the 10000 held are not reserved: the approval of milestone a does not wait for Stripe
    const a = await approve(ctx, company, c.id, milestones[0].id);
    order.push('approve');
    expect(a.status).toBe(200);
    // milestone b's money is reserved by the refund: nothing left to release for it
    expect((await approve(ctx, company, c.id, milestones[1].id)).status).toBe(409);
    const r = await refund;
    expect(r.status).toBe(200);
    expect(order).toEqual(['approve', 'refund']);
    expect(r.body).toMatchObject({ amountReleased: 3000, amountRefunded: 7000, status: 'RELEASED' });
    await expectLedgerClean(ctx);
  });

  it('a dispute resolution whose Stripe answer is lost is completed by the retry: one refund, one entry', async () => {
    const { collaboration: c, paymentId } = await funded(ctx, company, influencer, { amount: 8000 });
    const d = await ctx.http.post(`/api/collaborations/${c.id}/disputes`, { reason: 'other', details: 'x' }, { token: influencer.token });
    ctx.emulator.faults.add({ method: 'POST', path: '^/v1/refunds$', mode: 'lose_response', times: 5 });
    const lost = await ctx.http.post(
      `/api/admin/disputes/${d.body.id}/resolve`,
      { releaseAmount: 3000, refundAmount: 5000, note: 'split' },
      { token: admin.token },
    );
    expect(lost.status).toBe(502);
    // still frozen and reserved: another split is refused, the same split completes it
    expect(
      await ctx.http.post(`/api/admin/disputes/${d.body.id}/resolve`, { releaseAmount: 4000, refundAmount: 4000, note: 'other' }, { token: admin.token }),
    ).toMatchObject({ status: 409, body: { code: 'DISPUTE_RESOLUTION_IN_PROGRESS' } });
    expect(await ctx.http.post(`/api/disputes/${d.body.id}/withdraw`, {}, { token: influencer.token })).toMatchObject({
      status: 409,
      body: { code: 'DISPUTE_RESOLUTION_IN_PROGRESS' },
    });
    ctx.emulator.faults.clear();
    const done = await ctx.http.post(
      `/api/admin/disputes/${d.body.id}/resolve`,
      { releaseAmount: 3000, refundAmount: 5000, note: 'split' },
      { token: admin.token },
    );
    expect(done.body).toMatchObject({ status: 'RESOLVED', resolution: { releaseAmount: 3000, refundAmount: 5000 } });
    const p = (await ctx.http.get(`/api/payments/${paymentId}`, { token: company.token })).body;
    expect((await ctx.stripe.refunds.list({ payment_intent: p.stripePaymentIntentId })).data.map((x) => x.amount)).toEqual([5000]);
    expect(p).toMatchObject({ amountReleased: 3000, amountRefunded: 5000 });
    await expectLedgerClean(ctx);
  });

  it('a clawback whose Stripe answer is lost is completed by the retry: one refund, recovered once', async () => {
    const { collaboration: c, paymentId } = await funded(ctx, company, influencer, { amount: 6000 });
    expect((await ctx.http.post(`/api/payments/collaboration/${c.id}/release`, {}, { token: company.token })).status).toBe(200);
    ctx.emulator.faults.add({ method: 'POST', path: '^/v1/refunds$', mode: 'lose_response', times: 5 });
    const body = { amount: 2000, reason: 'Removed' };
    expect((await ctx.http.post(`/api/admin/payments/${paymentId}/clawback`, body, { token: admin.token })).status).toBe(502);
    expect(await ctx.http.post(`/api/admin/payments/${paymentId}/clawback`, { amount: 1000, reason: 'Removed' }, { token: admin.token })).toMatchObject({
      status: 409,
      body: { code: 'CLAWBACK_IN_PROGRESS' },
    });
    ctx.emulator.faults.clear();
    const done = await ctx.http.post(`/api/admin/payments/${paymentId}/clawback`, body, { token: admin.token });
    expect(done.body).toMatchObject({ amountClawedBack: 2000 });
    expect((await ctx.stripe.refunds.list({ payment_intent: done.body.stripePaymentIntentId })).data.map((x) => x.amount)).toEqual([2000]);
    await expectLedgerClean(ctx);
  });
});
