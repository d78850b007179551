import { createTestContext, TestContext, TestUser } from '../support/test-app';
import { funded } from './support';

/** Finding influencers, inviting by email, the fee rate fixed at proposal. */
describe('workflow: find and invite', () => {
  let ctx: TestContext;
  let company: TestUser;

  beforeAll(async () => {
    ctx = await createTestContext({ label: 'wf-invite' });
    company = await ctx.user('company', 'Acme');
  });
  afterAll(() => ctx?.close());

  const register = (body: Record<string, unknown>) =>
    ctx.http.post('/api/auth/register', { password: 'correct-horse-battery', role: 'influencer', ...body, email: body.email ?? `x${Math.random()}@t.dev` });

  it('registers influencers with a unique handle; companies cannot have one', async () => {
    const a = await register({ name: 'Mia Creates', handle: 'mia.creates' });
    expect(a.status).toBe(201);
    expect(a.body.user).toMatchObject({ handle: 'mia.creates', role: 'influencer' });
    const again = await register({ name: 'Other', handle: 'mia.creates' });
    expect(again).toMatchObject({ status: 409, body: { code: 'HANDLE_TAKEN' } });
    for (const handle of ['MiaUpper', 'ab', 'a'.repeat(31), 'spa ce', 'dash-no', 12]) {
      const bad = await register({ name: 'Bad', handle });
      expect({ handle, status: bad.status, code: bad.body.code }).toEqual({ handle, status: 400, code: 'VALIDATION_FAILED' });
    }
    const co = await register({ name: 'Brand', handle: 'brandy', role: 'company' });
    expect(co).toMatchObject({ status: 400, body: { code: 'HANDLE_NOT_ALLOWED' } });
  });

  it('GET /api/influencers?q= finds influencers by the start of name or handle, exposing id, name and handle only', async () => {
    const noah = await register({ name: 'Noah Films', handle: 'noahfilms' });
    await register({ name: 'Zed', handle: 'noah_backup' });
    await register({ name: 'Noa%h', role: 'company' }); // a company never shows up
    const byName = await ctx.http.get('/api/influencers?q=noah', { token: company.token });
    expect(byName.status).toBe(200);
    expect(byName.body.data.map((u: { handle: string }) => u.handle).sort()).toEqual(['noah_backup', 'noahfilms']);
    expect(Object.keys(byName.body.data[0]).sort()).toEqual(['handle', 'id', 'name']);
    expect(byName.body.data.find((u: { id: string }) => u.id === noah.body.user.id)).toEqual({
      id: noah.body.user.id,
      name: 'Noah Films',
      handle: 'noahfilms',
    });
    // LIKE wildcards are literal
    expect((await ctx.http.get('/api/influencers?q=n%25', { token: company.token })).body.data).toEqual([]);
    expect((await ctx.http.get('/api/influencers?q=__', { token: company.token })).body.data).toEqual([]);
    for (const q of ['', 'n', 'x'.repeat(51)]) {
      const r = await ctx.http.get(`/api/influencers?q=${q}`, { token: company.token });
      expect({ q, status: r.status, code: r.body.code }).toEqual({ q, status: 400, code: 'VALIDATION_FAILED' });
    }
    expect((await ctx.http.get('/api/influencers', { token: company.token })).status).toBe(400);
    const influencer = await ctx.user('influencer');
    expect((await ctx.http.get('/api/influencers?q=noah', { token: influencer.token })).status).toBe(403);
  });

  it('at most 20 results', async () => {
    await Promise.all(Array.from({ length: 23 }, (_, i) => register({ name: `Many ${i}`, handle: `many_${i}` })));
    expect((await ctx.http.get('/api/influencers?q=many', { token: company.token })).body.data).toHaveLength(20);
  });

  it('invite by email → register → the influencer sees the proposal, with a collaboration:update to both', async () => {
    const email = `invitee-${Date.now()}@Example.com`;
    const res = await ctx.http.post(
      '/api/collaborations',
      { influencerEmail: email, title: 'Launch video', amount: 20000, currency: 'usd' },
      { token: company.token },
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ influencerId: null, invitedEmail: email.toLowerCase(), status: 'PROPOSED', reviewPeriodDays: 7, platformFeeBps: 1000 });
    expect(res.body.feePreview).toEqual({ platformFee: 2000, influencerAmount: 18000 });
    expect(res.body.milestones).toHaveLength(1);
    const reg = await ctx.http.post('/api/auth/register', {
      email: email.toUpperCase(),
      password: 'correct-horse-battery',
      name: 'Invited',
      role: 'influencer',
    });
    expect(reg.status).toBe(201);
    const me = reg.body.user;
    const list = await ctx.http.get('/api/collaborations', { token: reg.body.accessToken });
    expect(list.body.data.map((c: { id: string }) => c.id)).toEqual([res.body.id]);
    const seen = await ctx.http.get(`/api/collaborations/${res.body.id}`, { token: reg.body.accessToken });
    expect(seen.body).toMatchObject({ influencerId: me.id, status: 'PROPOSED' });
    const [row] = await ctx.db.query(`SELECT payload FROM outbox_events WHERE user_id = $1 AND event = 'collaboration:update'`, [me.id]);
    expect(row.payload).toMatchObject({ collaborationId: res.body.id, status: 'PROPOSED' });
    const companyEvents = await ctx.db.query(
      `SELECT payload FROM outbox_events WHERE user_id = $1 AND event = 'collaboration:update' AND payload->>'collaborationId' = $2`,
      [company.id, res.body.id],
    );
    expect(companyEvents.length).toBe(2); // proposed, then claimed
    const accept = await ctx.http.post(`/api/collaborations/${res.body.id}/accept`, {}, { token: reg.body.accessToken });
    expect(accept.status).toBe(200);
  });

  it('an email of a registered influencer is an ordinary proposal; of a company or admin: 400 NOT_AN_INFLUENCER', async () => {
    const inf = await ctx.user('influencer');
    const ok = await ctx.http.post('/api/collaborations', { influencerEmail: inf.email, title: 'T', amount: 5000, currency: 'usd' }, { token: company.token });
    expect(ok.body).toMatchObject({ influencerId: inf.id });
    const other = await ctx.user('company');
    const admin = await ctx.user('admin');
    for (const email of [other.email, admin.email]) {
      const r = await ctx.http.post('/api/collaborations', { influencerEmail: email, title: 'T', amount: 5000, currency: 'usd' }, { token: company.token });
      expect(r).toMatchObject({ status: 400, body: { code: 'NOT_AN_INFLUENCER' } });
    }
    const both = await ctx.http.post(
      '/api/collaborations',
      { influencerEmail: inf.email, influencerId: inf.id, title: 'T', amount: 5000, currency: 'usd' },
      { token: company.token },
    );
    expect(both).toMatchObject({ status: 400, body: { code: 'INFLUENCER_REQUIRED' } });
    const none = await ctx.http.post('/api/collaborations', { title: 'T', amount: 5000, currency: 'usd' }, { token: company.token });
    expect(none).toMatchObject({ status: 400, body: { code: 'INFLUENCER_REQUIRED' } });
    const badEmail = await ctx.http.post(
      '/api/collaborations',
      { influencerEmail: 'nope', title: 'T', amount: 5000, currency: 'usd' },
      { token: company.token },
    );
    expect(badEmail).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
  });

  it('reviewPeriodDays 1..30 (default REVIEW_PERIOD_DAYS)', async () => {
    const inf = await ctx.user('influencer');
    const base = { influencerId: inf.id, title: 'T', amount: 5000, currency: 'usd' };
    expect((await ctx.http.post('/api/collaborations', { ...base, reviewPeriodDays: 30 }, { token: company.token })).body.reviewPeriodDays).toBe(30);
    for (const v of [0, 31, 2.5, '3']) {
      const r = await ctx.http.post('/api/collaborations', { ...base, reviewPeriodDays: v }, { token: company.token });
      expect({ v, status: r.status, code: r.body.code }).toEqual({ v, status: 400, code: 'VALIDATION_FAILED' });
    }
  });

  it('the fee rate is fixed when proposed: a later configuration does not change the payment’s fee', async () => {
    const inf = await ctx.user('influencer');
    const res = await ctx.http.post(
      '/api/collaborations',
      { influencerId: inf.id, title: 'Fixed fee', amount: 10000, currency: 'usd' },
      { token: company.token },
    );
    expect(res.body.platformFeeBps).toBe(1000);
    ctx.config.platformFeeBps = 2500; // the operator raises the fee afterwards
    try {
      const accept = await ctx.http.post(`/api/collaborations/${res.body.id}/accept`, {}, { token: inf.token });
      const p = await ctx.http.get(`/api/payments/${accept.body.paymentInfo.paymentId}`, { token: company.token });
      expect(p.body).toMatchObject({ platformFee: 1000, influencerAmount: 9000 });
      const later = await ctx.http.post(
        '/api/collaborations',
        { influencerId: inf.id, title: 'New fee', amount: 10000, currency: 'usd' },
        { token: company.token },
      );
      expect(later.body).toMatchObject({ platformFeeBps: 2500, feePreview: { platformFee: 2500, influencerAmount: 7500 } });
    } finally {
      ctx.config.platformFeeBps = 1000;
    }
  });

  it('every one-time collaboration has milestones: one implicit milestone covering the whole amount', async () => {
    const inf = await ctx.user('influencer');
    const { collaboration } = await funded(ctx, company, inf, { amount: 7000 });
    expect(collaboration.milestones).toEqual([
      expect.objectContaining({ title: 'Spring campaign', amount: 7000, status: 'PENDING', reviewDueAt: null, submissions: [], changeRequests: [] }),
    ]);
  });
});
