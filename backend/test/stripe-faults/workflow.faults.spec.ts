import { funded } from '../workflow/support';
import { expectLedgerClean } from '../support/flows';
import { createTestContext, TestContext, TestUser } from '../support/test-app';
import { T } from './call-sites';
import { loseEveryAttempt } from './support';

/** The collaboration workflow's Stripe calls after lost answers: reserve → refund (same key) → finish, once. */
describe('stripe faults: workflow', () => {
  let ctx: TestContext;
  let company: TestUser;
  let influencer: TestUser;
  let admin: TestUser;

  beforeAll(async () => {
    ctx = await createTestContext({ label: 'faults-wf' });
    [company, influencer, admin] = await Promise.all([ctx.user('company'), ctx.user('influencer'), ctx.user('admin')]);
  });
  afterAll(() => ctx?.close());
  afterEach(() => ctx.emulator.faults.clear());

  it(T.disputeResolution, async () => {
    const { collaboration: c, paymentId } = await funded(ctx, company, influencer, { amount: 8000 });
    const d = await ctx.http.post(`/api/collaborations/${c.id}/disputes`, { reason: 'other', details: 'x' }, { token: influencer.token });
    loseEveryAttempt(ctx, 'POST', '^/v1/refunds$');
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

  it(T.clawback, async () => {
    const { collaboration: c, paymentId } = await funded(ctx, company, influencer, { amount: 6000 });
    expect((await ctx.http.post(`/api/payments/collaboration/${c.id}/release`, {}, { token: company.token })).status).toBe(200);
    loseEveryAttempt(ctx, 'POST', '^/v1/refunds$');
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
