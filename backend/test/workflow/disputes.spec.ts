import { Accounts } from '../../src/modules/ledger/domain/accounts';
import { balance, expectLedgerClean } from '../support/flows';
import { createTestContext, eventually, TestContext, TestUser } from '../support/test-app';
import { approve, funded, inDays, outboxEvents, runAutoRelease, submit, walletAvailable } from './support';

/** Mediation: a dispute freezes every release path, withdraw unfreezes, an admin resolves with an exact split. */
describe('workflow: disputes between the parties', () => {
  let ctx: TestContext;
  let company: TestUser;
  let influencer: TestUser;
  let admin: TestUser;

  beforeAll(async () => {
    ctx = await createTestContext({ label: 'wf-disputes' });
    [company, influencer, admin] = await Promise.all([ctx.user('company'), ctx.user('influencer'), ctx.user('admin')]);
  });
  afterAll(() => ctx?.close());

  const open = (u: TestUser, cid: string, body: Record<string, unknown>) =>
    ctx.http.post(`/api/collaborations/${cid}/disputes`, { reason: 'quality', details: 'The video is not what we agreed', ...body }, { token: u.token });
  const resolve = (id: string, releaseAmount: number, refundAmount: number, key?: string) =>
    ctx.http.post(
      `/api/admin/disputes/${id}/resolve`,
      { releaseAmount, refundAmount, note: 'Split after review' },
      { token: admin.token, headers: key ? { 'idempotency-key': key } : {} },
    );

  it('a dispute on everything held freezes release, approval, auto-release and refund; withdraw unfreezes', async () => {
    const {
      collaboration: c,
      paymentId,
      milestones,
    } = await funded(ctx, company, influencer, {
      amount: 20000,
      milestones: [
        { title: 'a', amount: 5000 },
        { title: 'b', amount: 15000 },
      ],
    });
    await submit(ctx, influencer, c.id, milestones[0].id);
    const d = await open(company, c.id, {});
    expect(d.status).toBe(201);
    expect(d.body).toMatchObject({
      status: 'OPEN',
      amount: 20000,
      currency: 'usd',
      milestoneId: null,
      openedBy: company.id,
      reason: 'quality',
      resolution: null,
    });
    expect(await open(influencer, c.id, {})).toMatchObject({ status: 409, body: { code: 'DISPUTE_ALREADY_OPEN' } });
    const view = (await ctx.http.get(`/api/collaborations/${c.id}`, { token: company.token })).body;
    expect(view.milestones.map((m: { status: string }) => m.status)).toEqual(['DISPUTED', 'DISPUTED']);

    const frozen = [
      await ctx.http.post(`/api/payments/collaboration/${c.id}/release`, {}, { token: company.token }),
      await ctx.http.post(`/api/payments/collaboration/${c.id}/release`, { milestoneId: milestones[1].id }, { token: company.token }),
      await approve(ctx, company, c.id, milestones[0].id),
      await ctx.http.post(`/api/payments/${paymentId}/refund`, {}, { token: company.token }),
      await ctx.http.post(`/api/payments/${paymentId}/refund`, { amount: 100 }, { token: admin.token }),
    ];
    for (const r of frozen) expect({ status: r.status, code: r.body.code }).toEqual({ status: 409, code: 'DISPUTE_OPEN' });
    expect((await runAutoRelease(ctx, admin, inDays(30))).body.released).toEqual([]);
    expect((await ctx.http.get(`/api/payments/${paymentId}`, { token: company.token })).body).toMatchObject({
      status: 'HELD',
      amountReleased: 0,
      amountRefunded: 0,
    });

    // messages from both parties and an admin; a stranger cannot read or write
    expect(
      (
        await ctx.http.post(
          `/api/disputes/${d.body.id}/messages`,
          { body: 'We asked for 60 s', links: ['https://brief.example.com'] },
          { token: company.token },
        )
      ).status,
    ).toBe(200);
    expect((await ctx.http.post(`/api/disputes/${d.body.id}/messages`, { body: 'It is 58 s' }, { token: influencer.token })).status).toBe(200);
    const withAdmin = await ctx.http.post(`/api/disputes/${d.body.id}/messages`, { body: 'Looking into it' }, { token: admin.token });
    expect(withAdmin.body.messages.map((m: { authorRole: string }) => m.authorRole)).toEqual(['company', 'influencer', 'admin']);
    const stranger = await ctx.user('company');
    expect((await ctx.http.get(`/api/disputes/${d.body.id}`, { token: stranger.token })).status).toBe(404);
    expect((await ctx.http.post(`/api/disputes/${d.body.id}/messages`, { body: 'hi' }, { token: stranger.token })).status).toBe(404);
    expect((await ctx.http.get('/api/disputes', { token: stranger.token })).body.data).toEqual([]);
    expect((await ctx.http.get('/api/disputes?status=OPEN', { token: admin.token })).body.data.map((x: { id: string }) => x.id)).toContain(d.body.id);

    // only the opener withdraws
    expect(await ctx.http.post(`/api/disputes/${d.body.id}/withdraw`, {}, { token: influencer.token })).toMatchObject({
      status: 403,
      body: { code: 'NOT_DISPUTE_OPENER' },
    });
    const w = await ctx.http.post(`/api/disputes/${d.body.id}/withdraw`, {}, { token: company.token });
    expect(w.body).toMatchObject({ status: 'WITHDRAWN' });
    expect(await ctx.http.post(`/api/disputes/${d.body.id}/withdraw`, {}, { token: company.token })).toMatchObject({
      status: 409,
      body: { code: 'DISPUTE_CLOSED' },
    });
    expect(await resolve(d.body.id, 20000, 0)).toMatchObject({ status: 409, body: { code: 'DISPUTE_CLOSED' } });
    const after = (await ctx.http.get(`/api/collaborations/${c.id}`, { token: company.token })).body;
    expect(after.milestones.map((m: { status: string }) => m.status)).toEqual(['SUBMITTED', 'PENDING']);
    // unfrozen: the submitted milestone is auto-released, the other approved
    expect((await runAutoRelease(ctx, admin, inDays(8))).body.released).toEqual([milestones[0].id]);
    expect((await approve(ctx, company, c.id, milestones[1].id)).status).toBe(200);
    const events = (await outboxEvents(ctx, influencer.id, 'dispute:update')).filter((e) => e.disputeId === d.body.id);
    expect(events.map((e) => e.status)).toEqual(['OPEN', 'OPEN', 'OPEN', 'OPEN', 'WITHDRAWN']);
    await expectLedgerClean(ctx);
  });

  it('a dispute on one milestone freezes only that milestone (and release-all and refunds)', async () => {
    const { collaboration: c, milestones } = await funded(ctx, company, influencer, {
      amount: 9000,
      milestones: [
        { title: 'a', amount: 4000 },
        { title: 'b', amount: 5000 },
      ],
    });
    const d = await open(influencer, c.id, { milestoneId: milestones[1].id, reason: 'scope' });
    expect(d.body).toMatchObject({ amount: 5000, milestoneId: milestones[1].id, openedBy: influencer.id });
    expect((await approve(ctx, company, c.id, milestones[0].id)).status).toBe(200);
    expect(await approve(ctx, company, c.id, milestones[1].id)).toMatchObject({ status: 409, body: { code: 'DISPUTE_OPEN' } });
    expect(await ctx.http.post(`/api/payments/collaboration/${c.id}/release`, {}, { token: company.token })).toMatchObject({
      status: 409,
      body: { code: 'DISPUTE_OPEN' },
    });
    expect(await open(company, c.id, { milestoneId: milestones[0].id })).toMatchObject({ status: 409, body: { code: 'DISPUTE_ALREADY_OPEN' } });
    const r = await resolve(d.body.id, 5000, 0);
    expect(r.body).toMatchObject({
      status: 'RESOLVED',
      resolution: { releaseAmount: 5000, refundAmount: 0, platformFee: 500, influencerAmount: 4500, stripeRefundId: null },
    });
    const view = (await ctx.http.get(`/api/collaborations/${c.id}`, { token: company.token })).body;
    expect(view).toMatchObject({ status: 'COMPLETED', payment: { status: 'RELEASED', amountReleased: 9000 } });
    // a released milestone cannot be disputed
    expect(await open(company, c.id, { milestoneId: milestones[0].id })).toMatchObject({ status: 409, body: { code: 'NOTHING_HELD' } });
    await expectLedgerClean(ctx);
  });

  it.each([
    ['usd', 10001, 3333, 6668],
    ['jpy', 10001, 3333, 6668],
    ['jpy', 777, 777, 0],
    ['usd', 5000, 0, 5000],
  ])(
    'resolve splits exactly (%s %i: release %i, refund %i): one entry, one Stripe refund, fee exact to the unit',
    async (currency, amount, release, refund) => {
      const inf = await ctx.user('influencer');
      const { collaboration: c, paymentId } = await funded(ctx, company, inf, { amount, currency });
      const p0 = (await ctx.http.get(`/api/payments/${paymentId}`, { token: company.token })).body;
      const d = await open(inf, c.id, { reason: 'not_delivered' });
      expect(await resolve(d.body.id, release, refund + 1)).toMatchObject({ status: 400, body: { code: 'SPLIT_MISMATCH' } });
      const first = await resolve(d.body.id, release, refund, `resolve-${d.body.id}`);
      expect(first.status).toBe(200);
      const fee = Math.floor((p0.platformFee * release) / amount) + (release === amount ? p0.platformFee - Math.floor((p0.platformFee * release) / amount) : 0);
      expect(first.body.resolution).toMatchObject({ releaseAmount: release, refundAmount: refund, platformFee: fee, influencerAmount: release - fee });
      // idempotent: the same split again (with or without the key) answers the same resolution; another split is refused
      const again = await resolve(d.body.id, release, refund);
      expect(again.body.resolution).toEqual(first.body.resolution);
      expect((await resolve(d.body.id, release, refund, `resolve-${d.body.id}`)).body).toEqual(first.body);
      if (release > 0 && refund > 0) expect(await resolve(d.body.id, release - 1, refund + 1)).toMatchObject({ status: 409, body: { code: 'DISPUTE_CLOSED' } });

      expect(await walletAvailable(ctx, inf, currency)).toBe(release - fee);
      const entries = await ctx.db.query(`SELECT id FROM journal_entries WHERE idempotency_key = $1`, [`dispute-resolution:${d.body.id}`]);
      expect(entries).toHaveLength(1);
      const lines = await ctx.db.query(`SELECT account_code, amount FROM postings WHERE entry_id = $1`, [entries[0].id]);
      expect(lines.reduce((s: number, l: { amount: number }) => s + Number(l.amount), 0)).toBe(0);
      const pi = await ctx.stripe.paymentIntents.retrieve(c.payment?.stripePaymentIntentId ?? p0.stripePaymentIntentId);
      const refunds = await ctx.stripe.refunds.list({ payment_intent: pi.id });
      expect(refunds.data.map((r) => r.amount)).toEqual(refund > 0 ? [refund] : []);
      expect(await balance(ctx, Accounts.escrow(paymentId), currency)).toBe(0);
      const p = (await ctx.http.get(`/api/payments/${paymentId}`, { token: company.token })).body;
      expect(p).toMatchObject({ amountReleased: release, amountRefunded: refund });
      // the charge.refunded webhook of that refund is not booked a second time
      if (refund > 0) {
        await eventually(
          async () =>
            (
              await ctx.db.query(
                `SELECT 1 FROM webhook_events WHERE type = 'charge.refunded' AND status IN ('PROCESSED','IGNORED') AND payload::text LIKE $1`,
                [`%${pi.id}%`],
              )
            ).length > 0,
          15_000,
          'charge.refunded processed',
        );
        expect((await ctx.http.get(`/api/payments/${paymentId}`, { token: company.token })).body).toMatchObject({
          amountReleased: release,
          amountRefunded: refund,
        });
      }
      const events = (await outboxEvents(ctx, company.id, 'dispute:update')).filter((e) => e.disputeId === d.body.id);
      expect(events[events.length - 1]).toMatchObject({ status: 'RESOLVED', collaborationId: c.id });
      await expectLedgerClean(ctx);
    },
  );

  it('concurrent resolutions with the same split: one journal entry, one Stripe refund', async () => {
    const inf = await ctx.user('influencer');
    const { collaboration: c, paymentId } = await funded(ctx, company, inf, { amount: 12000 });
    const d = await open(company, c.id, {});
    const results = await Promise.all(Array.from({ length: 4 }, () => resolve(d.body.id, 2000, 10000)));
    for (const r of results) expect([200, 409, 502]).toContain(r.status);
    expect(results.some((r) => r.status === 200)).toBe(true);
    const final = await resolve(d.body.id, 2000, 10000);
    expect(final.body).toMatchObject({ status: 'RESOLVED', resolution: { releaseAmount: 2000, refundAmount: 10000 } });
    expect(await ctx.db.query(`SELECT id FROM journal_entries WHERE idempotency_key = $1`, [`dispute-resolution:${d.body.id}`])).toHaveLength(1);
    const p = (await ctx.http.get(`/api/payments/${paymentId}`, { token: company.token })).body;
    expect((await ctx.stripe.refunds.list({ payment_intent: p.stripePaymentIntentId })).data.map((r) => r.amount)).toEqual([10000]);
    await expectLedgerClean(ctx);
  });

  it('bad input: 4xx with stable codes; only parties open, only admins resolve', async () => {
    const { collaboration: c } = await funded(ctx, company, influencer, { amount: 3000 });
    for (const body of [{ reason: 'angry' }, { details: '' }, { details: 'x'.repeat(5001) }, { milestoneId: 'nope' }]) {
      const r = await open(company, c.id, body);
      expect({ body, status: r.status, code: r.body.code }).toEqual({ body, status: 400, code: 'VALIDATION_FAILED' });
    }
    expect(await open(company, c.id, { milestoneId: '00000000-0000-4000-8000-000000000000' })).toMatchObject({
      status: 404,
      body: { code: 'MILESTONE_NOT_FOUND' },
    });
    expect((await open(admin, c.id, {})).status).toBe(403);
    const stranger = await ctx.user('influencer');
    expect(await open(stranger, c.id, {})).toMatchObject({ status: 404, body: { code: 'COLLABORATION_NOT_FOUND' } });
    const unpaid = await ctx.http.post(
      '/api/collaborations',
      { influencerId: influencer.id, title: 'x', amount: 3000, currency: 'usd' },
      { token: company.token },
    );
    expect(await open(company, unpaid.body.id, {})).toMatchObject({ status: 409, body: { code: 'NOTHING_HELD' } });
    const d = await open(company, c.id, {});
    for (const body of [
      { releaseAmount: -1, refundAmount: 3001, note: 'x' },
      { releaseAmount: 1.5, refundAmount: 2998.5, note: 'x' },
      { releaseAmount: 3000, refundAmount: 0, note: '' },
      { releaseAmount: '3000', refundAmount: 0, note: 'x' },
    ]) {
      const r = await ctx.http.post(`/api/admin/disputes/${d.body.id}/resolve`, body, { token: admin.token });
      expect({ body, status: r.status, code: r.body.code }).toEqual({ body, status: 400, code: 'VALIDATION_FAILED' });
    }
    expect(
      (await ctx.http.post(`/api/admin/disputes/${d.body.id}/resolve`, { releaseAmount: 3000, refundAmount: 0, note: 'x' }, { token: company.token })).status,
    ).toBe(403);
    expect((await ctx.http.get('/api/disputes?status=nope', { token: admin.token })).status).toBe(400);
  });
});
