import { expectLedgerClean } from '../support/flows';
import { createTestContext, eventually, TestContext, TestUser } from '../support/test-app';
import { approve, funded } from './support';

/**
 * No row lock is held across a Stripe call: while a refund waits at Stripe (the emulator delays it), other money
 * paths of the same payment go on. (Lost answers of every Stripe call site: test/stripe-faults.)
 */
describe('workflow: reserve → Stripe → finish', () => {
  let ctx: TestContext;
  let company: TestUser;
  let influencer: TestUser;

  beforeAll(async () => {
    ctx = await createTestContext({ label: 'wf-nolock' });
    [company, influencer] = await Promise.all([ctx.user('company'), ctx.user('influencer')]);
  });
  afterAll(() => ctx?.close());
  afterEach(() => ctx.emulator.faults.clear());

  it('a refund waiting at Stripe reserves its amount: approval of another milestone goes on, more than is free is 409', async () => {
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
    await eventually(async () => (await ctx.db.query(`SELECT 1 FROM refunds WHERE payment_id = $1 AND status = 'PENDING'`, [paymentId])).length > 0);
    // 7000 of the 10000 held are reserved: a refund of more than the 3000 left is refused at once
    const second = await ctx.http.post(`/api/payments/${paymentId}/refund`, { amount: 3001 }, { token: company.token });
    expect(second).toMatchObject({ status: 409, body: { code: 'AMOUNT_EXCEEDS_HELD' } });
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
});
