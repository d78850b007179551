import { expectLedgerClean } from '../support/flows';
import { createTestContext, TestContext, TestUser } from '../support/test-app';
import { approve, funded, inDays, milestoneReleases, outboxEvents, requestChanges, runAutoRelease, submit, walletAvailable } from './support';

/** Deliverables: submit, request changes, resubmit, approve (= release), through the real API. */
describe('workflow: milestones', () => {
  let ctx: TestContext;
  let company: TestUser;
  let influencer: TestUser;
  let admin: TestUser;

  beforeAll(async () => {
    ctx = await createTestContext({ label: 'wf-milestones', env: { MAX_CHANGE_REQUESTS: '2' } });
    [company, influencer, admin] = await Promise.all([ctx.user('company'), ctx.user('influencer'), ctx.user('admin')]);
  });
  afterAll(() => ctx?.close());

  it('submit → approve: the wallet is credited once (net of the fee), with events to both parties', async () => {
    const before = await walletAvailable(ctx, influencer);
    const { collaboration: c, milestones } = await funded(ctx, company, influencer, {
      amount: 30000,
      milestones: [
        { title: 'Script', amount: 10000 },
        { title: 'Video', amount: 20000 },
      ],
    });
    const [m1, m2] = milestones;
    const s = await submit(ctx, influencer, c.id, m1.id, 'Script draft', ['https://docs.example.com/script']);
    expect(s.status).toBe(200);
    const sm = s.body.milestones.find((m: { id: string }) => m.id === m1.id);
    expect(sm).toMatchObject({ status: 'SUBMITTED', submissions: [{ note: 'Script draft', links: ['https://docs.example.com/script'] }] });
    const due = new Date(sm.reviewDueAt).getTime() - new Date(sm.submittedAt).getTime();
    expect(Math.round(due / 86_400_000)).toBe(7);

    const a = await approve(ctx, company, c.id, m1.id, 'approve-1');
    expect(a.status).toBe(200);
    expect(a.body.milestones.find((m: { id: string }) => m.id === m1.id)).toMatchObject({ status: 'RELEASED', reviewDueAt: null });
    expect(a.body.payment).toMatchObject({ status: 'PARTIALLY_RELEASED', amountReleased: 10000 });
    // replay with the same key: the first answer, no second credit; without a key: 409
    const replay = await approve(ctx, company, c.id, m1.id, 'approve-1');
    expect(replay.status).toBe(200);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(await approve(ctx, company, c.id, m1.id)).toMatchObject({ status: 409, body: { code: 'MILESTONE_ALREADY_RELEASED' } });
    // and the release route refuses it too
    const viaRelease = await ctx.http.post(`/api/payments/collaboration/${c.id}/release`, { milestoneId: m1.id }, { token: company.token });
    expect(viaRelease).toMatchObject({ status: 409, body: { code: 'MILESTONE_ALREADY_RELEASED' } });
    expect(await milestoneReleases(ctx, m1.id)).toBe(1);
    expect((await walletAvailable(ctx, influencer)) - before).toBe(9000);

    // the company may approve without a submission (it is a release); the collaboration completes
    const a2 = await approve(ctx, company, c.id, m2.id);
    expect(a2.body).toMatchObject({ status: 'COMPLETED', payment: { status: 'RELEASED', amountReleased: 30000 } });
    expect((await walletAvailable(ctx, influencer)) - before).toBe(27000);

    const events = (await outboxEvents(ctx, influencer.id, 'collaboration:update')).filter((e) => e.collaborationId === c.id);
    expect(events.map((e) => [e.milestoneStatus ?? null, e.status])).toEqual([
      [null, 'PROPOSED'],
      [null, 'ACCEPTED'],
      ['SUBMITTED', 'ACTIVE'],
      ['RELEASED', 'ACTIVE'],
      ['RELEASED', 'COMPLETED'],
    ]);
    expect((await outboxEvents(ctx, company.id, 'collaboration:update')).filter((e) => e.collaborationId === c.id)).toHaveLength(5);
    await expectLedgerClean(ctx);
  });

  it('changes requested → resubmit, at most MAX_CHANGE_REQUESTS rounds, then 409 CHANGE_REQUESTS_EXHAUSTED', async () => {
    const { collaboration: c, milestones } = await funded(ctx, company, influencer, { amount: 5000 });
    const m = milestones[0];
    expect(await requestChanges(ctx, company, c.id, m.id)).toMatchObject({ status: 409, body: { code: 'MILESTONE_NOT_SUBMITTED' } });
    for (let round = 1; round <= 2; round++) {
      expect((await submit(ctx, influencer, c.id, m.id, `take ${round}`)).status).toBe(200);
      expect(await submit(ctx, influencer, c.id, m.id)).toMatchObject({ status: 409, body: { code: 'MILESTONE_ALREADY_SUBMITTED' } });
      const r = await requestChanges(ctx, company, c.id, m.id, `round ${round}`);
      expect(r.status).toBe(200);
      expect(r.body.milestones[0]).toMatchObject({ status: 'CHANGES_REQUESTED', reviewDueAt: null, changeRequestCount: round });
    }
    expect((await submit(ctx, influencer, c.id, m.id, 'take 3')).status).toBe(200);
    expect(await requestChanges(ctx, company, c.id, m.id)).toMatchObject({ status: 409, body: { code: 'CHANGE_REQUESTS_EXHAUSTED' } });
    const view = (await ctx.http.get(`/api/collaborations/${c.id}`, { token: influencer.token })).body.milestones[0];
    expect(view.submissions.map((s: { note: string }) => s.note)).toEqual(['take 1', 'take 2', 'take 3']);
    expect(view.changeRequests.map((s: { note: string }) => s.note)).toEqual(['round 1', 'round 2']);
    // a change request stops the review clock: auto-release does not take a CHANGES_REQUESTED milestone
    expect((await approve(ctx, company, c.id, m.id)).status).toBe(200);
  });

  it('submit only once paid; only the parties in their own roles; bad input is a 4xx with a stable code', async () => {
    const res = await ctx.http.post(
      '/api/collaborations',
      { influencerId: influencer.id, title: 'Unpaid', amount: 5000, currency: 'usd' },
      { token: company.token },
    );
    const m = res.body.milestones[0];
    expect(await submit(ctx, influencer, res.body.id, m.id)).toMatchObject({ status: 409, body: { code: 'PAYMENT_NOT_HELD' } });
    const { collaboration: c, milestones } = await funded(ctx, company, influencer, { amount: 5000 });
    const mid = milestones[0].id;
    const other = await ctx.user('influencer');
    expect(await submit(ctx, other, c.id, mid)).toMatchObject({ status: 404, body: { code: 'COLLABORATION_NOT_FOUND' } });
    expect((await ctx.http.post(`/api/collaborations/${c.id}/milestones/${mid}/submit`, { note: 'x' }, { token: company.token })).status).toBe(403);
    expect((await approve(ctx, { ...influencer }, c.id, mid)).status).toBe(403);
    expect(await submit(ctx, influencer, c.id, m.id)).toMatchObject({ status: 404, body: { code: 'MILESTONE_NOT_FOUND' } }); // another collaboration's milestone
    for (const body of [
      {},
      { note: '' },
      { note: 'x'.repeat(5001) },
      { note: 'ok', links: ['ftp://x.y'] },
      { note: 'ok', links: ['javascript:alert(1)'] },
      { note: 'ok', links: Array(11).fill('https://a.b') },
      { note: 'ok', links: 'https://a.b' },
      { note: 5 },
    ]) {
      const r = await ctx.http.post(`/api/collaborations/${c.id}/milestones/${mid}/submit`, body, { token: influencer.token });
      expect({ body, status: r.status, code: r.body.code }).toEqual({ body, status: 400, code: 'VALIDATION_FAILED' });
    }
    expect((await ctx.http.post(`/api/collaborations/${c.id}/milestones/not-a-uuid/submit`, { note: 'x' }, { token: influencer.token })).status).toBe(404);
  });

  it('auto-release: a submitted milestone past its review period is released once, saying so in the wallet', async () => {
    const before = await walletAvailable(ctx, influencer);
    const { collaboration: c, milestones } = await funded(ctx, company, influencer, { amount: 8000 });
    const m = milestones[0];
    await submit(ctx, influencer, c.id, m.id);
    expect((await runAutoRelease(ctx, admin)).body.released).not.toContain(m.id); // not due yet
    expect((await runAutoRelease(ctx, admin, inDays(6.9))).body.released).not.toContain(m.id);
    const run = await runAutoRelease(ctx, admin, inDays(7.1));
    expect(run.status).toBe(200);
    expect(run.body.released).toEqual([m.id]);
    expect((await runAutoRelease(ctx, admin, inDays(8))).body.released).toEqual([]);
    expect((await walletAvailable(ctx, influencer)) - before).toBe(7200);
    const tx = await ctx.http.get('/api/wallet/transactions?limit=1', { token: influencer.token });
    expect(tx.body.data[0].description).toMatch(/automatically after the 7-day review period/);
    const events = (await outboxEvents(ctx, company.id, 'collaboration:update')).filter((e) => e.collaborationId === c.id);
    expect(events[events.length - 1]).toMatchObject({ milestoneId: m.id, milestoneStatus: 'RELEASED', status: 'COMPLETED' });
    expect(await milestoneReleases(ctx, m.id)).toBe(1);
    // bad asOf; non-admins refused
    expect(await ctx.http.post('/api/admin/jobs/auto-release/run', { asOf: 'tomorrow' }, { token: admin.token })).toMatchObject({
      status: 400,
      body: { code: 'VALIDATION_FAILED' },
    });
    expect((await runAutoRelease(ctx, company)).status).toBe(403);
    await expectLedgerClean(ctx);
  });
});
