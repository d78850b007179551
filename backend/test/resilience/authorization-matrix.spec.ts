import { expectLedgerClean, payWith, proposeAndAccept } from '../support/flows';
import { createTestContext, TestContext, TestUser } from '../support/test-app';
import { discoverRoutes, fillPath, PUBLIC_ROUTES, REVOKES_TOKEN, Route, workflowIds } from './routes';

/**
 * Calls every documented route as nobody, as each role, and as the other party's peer, against resources that
 * belong to someone else. Nobody may read or change another tenant's data, and nothing answers 500.
 */
describe('authorization matrix: every route × every role × the peer of each party', () => {
  let ctx: TestContext;
  let companyA: TestUser;
  let companyB: TestUser;
  let influencerA: TestUser;
  let influencerB: TestUser;
  let admin: TestUser;
  let routes: Route[];
  let ids: Record<string, string>;
  let secret: string;
  let before: any;

  beforeAll(async () => {
    ctx = await createTestContext({ label: 'authz' });
    [companyA, companyB, influencerA, influencerB, admin] = await Promise.all([
      ctx.user('company', 'Brand A'),
      ctx.user('company', 'Brand B'),
      ctx.user('influencer', 'Creator A'),
      ctx.user('influencer', 'Creator B'),
      ctx.user('admin'),
    ]);
    const { collaboration, paymentId } = await proposeAndAccept(ctx, companyA, influencerA, {
      amount: 40000,
      milestones: [
        { title: 'One', amount: 10000 },
        { title: 'Two', amount: 30000 },
      ],
    });
    await payWith(ctx, companyA, collaboration.id);
    const release = await ctx.http.post(
      `/api/payments/collaboration/${collaboration.id}/release`,
      { milestoneId: collaboration.milestones[0].id },
      { token: companyA.token },
    );
    expect(release.status).toBe(200);
    secret = (await ctx.http.get(`/api/payments/${paymentId}/client-secret`, { token: companyA.token })).body.clientSecret ?? '';
    ids = {
      '/api/collaborations/=id': collaboration.id,
      '/api/payments/=id': paymentId,
      '/api/payments/collaboration/=collaborationId': collaboration.id,
      milestoneId: collaboration.milestones[1].id,
      collaborationId: collaboration.id,
      id: paymentId,
    };
    Object.assign(ids, await workflowIds(ctx, companyA, { collaborationId: collaboration.id, milestoneId: ids.milestoneId, paymentId }));
    routes = await discoverRoutes(ctx);
    before = (await ctx.http.get(`/api/payments/${paymentId}`, { token: companyA.token })).body;
  });
  afterAll(() => ctx?.close());

  const secretsOf = () => [ids['/api/collaborations/=id'], ids['/api/payments/=id'], ids.milestoneId, ids.disputeId];

  it('discovers the routes of every module', () => {
    const paths = routes.map((r) => `${r.method} ${r.path}`);
    expect(paths).toEqual(
      expect.arrayContaining([
        'POST /api/collaborations',
        'POST /api/payments/create-intent',
        'GET /api/payments/{id}',
        'GET /api/admin/ledger/check',
        'GET /api/influencers',
        'POST /api/collaborations/{id}/milestones/{milestoneId}/submit',
        'POST /api/collaborations/{id}/milestones/{milestoneId}/approve',
        'POST /api/collaborations/{id}/milestones/{milestoneId}/request-changes',
        'POST /api/collaborations/{id}/disputes',
        'GET /api/disputes',
        'GET /api/disputes/{id}',
        'POST /api/disputes/{id}/messages',
        'POST /api/disputes/{id}/withdraw',
        'POST /api/admin/disputes/{id}/resolve',
        'POST /api/admin/payments/{id}/clawback',
        'POST /api/admin/jobs/auto-release/run',
        'GET /api/admin/audit-log',
      ]),
    );
    expect(routes.length).toBeGreaterThan(15);
  });

  it('without a token: 401 everywhere but the public routes', async () => {
    const all = await discoverRoutes(ctx, { withLogout: true });
    expect(all.map((r) => `${r.method} ${r.path}`)).toContain(REVOKES_TOKEN);
    for (const r of all) {
      const key = `${r.method} ${r.path}`;
      const res = await ctx.http.request(r.method, fillPath(r.path, ids), r.hasBody ? {} : undefined);
      expect({ key, status: res.status }).not.toEqual({ key, status: 500 });
      if (!PUBLIC_ROUTES.has(key) && !r.path.startsWith('/api/docs')) expect({ key, status: res.status }).toEqual({ key, status: 401 });
    }
  });

  it('with a garbage or tampered token: 401', async () => {
    const [h, p] = companyA.token.split('.');
    const tampered = `${h}.${Buffer.from(JSON.stringify({ sub: companyB.id, role: 'admin', email: 'x@y.z' })).toString('base64url')}.${companyA.token.split('.')[2]}`;
    for (const token of ['garbage', tampered, `${h}.${p}.`]) {
      const res = await ctx.http.get('/api/admin/ledger/check', { token });
      expect(res.status).toBe(401);
    }
  });

  it('peers (another company, another influencer) never read or change the parties’ resources', async () => {
    const bodies = [{}, { collaborationId: ids.collaborationId }, { milestoneId: ids.milestoneId }, { amount: 1000, currency: 'usd' }, { amount: 100 }];
    for (const peer of [companyB, influencerB]) {
      for (const r of routes) {
        const key = `${peer.role} ${r.method} ${r.path}`;
        if (r.path === '/api/payments/webhook') continue;
        for (const body of r.hasBody ? bodies : [undefined]) {
          const res = await ctx.http.request(r.method, fillPath(r.path, ids), body, { token: peer.token });
          expect({ key, body, status: res.status }).not.toMatchObject({ status: 500 });
          if (res.status < 300) {
            for (const id of secretsOf()) expect({ key, leaked: res.text.includes(id) }).toEqual({ key, leaked: false });
            if (secret) expect(res.text.includes(secret)).toBe(false);
          }
          if (r.path.startsWith('/api/admin/')) expect({ key, status: res.status }).toEqual({ key, status: 403 });
        }
      }
    }
    // nothing the peers did changed the parties' payment
    const after = (await ctx.http.get(`/api/payments/${ids.id}`, { token: companyA.token })).body;
    expect(after).toMatchObject({ status: before.status, amountReleased: before.amountReleased, amountRefunded: before.amountRefunded });
  });

  it('each party reads its own resources; the influencer cannot act as the payer', async () => {
    for (const u of [companyA, influencerA]) {
      expect((await ctx.http.get(`/api/payments/${ids.id}`, { token: u.token })).status).toBe(200);
      expect((await ctx.http.get(`/api/collaborations/${ids.collaborationId}`, { token: u.token })).status).toBe(200);
      expect((await ctx.http.get(`/api/payments/collaboration/${ids.collaborationId}`, { token: u.token })).status).toBe(200);
    }
    expect((await ctx.http.get(`/api/payments/${ids.id}/client-secret`, { token: influencerA.token })).status).toBe(403);
    expect((await ctx.http.post(`/api/payments/collaboration/${ids.collaborationId}/release`, {}, { token: influencerA.token })).status).toBe(403);
    expect((await ctx.http.post(`/api/payments/${ids.id}/refund`, {}, { token: influencerA.token })).status).toBe(403);
    expect((await ctx.http.post(`/api/collaborations/${ids.collaborationId}/accept`, {}, { token: companyA.token })).status).toBe(403);
    // the workflow: each party reads the dispute; neither acts in the other's role
    for (const u of [companyA, influencerA]) expect((await ctx.http.get(`/api/disputes/${ids.disputeId}`, { token: u.token })).status).toBe(200);
    const m = `/api/collaborations/${ids.collaborationId}/milestones/${ids.milestoneId}`;
    expect((await ctx.http.post(`${m}/submit`, { note: 'x' }, { token: companyA.token })).status).toBe(403);
    expect((await ctx.http.post(`${m}/approve`, {}, { token: influencerA.token })).status).toBe(403);
    expect((await ctx.http.post(`${m}/request-changes`, { note: 'x' }, { token: influencerA.token })).status).toBe(403);
    expect((await ctx.http.post(`/api/disputes/${ids.disputeId}/withdraw`, {}, { token: influencerA.token })).status).toBe(403);
    expect((await ctx.http.get('/api/influencers?q=creator', { token: influencerA.token })).status).toBe(403);
  });

  it('admins reach the admin routes; others get 403', async () => {
    for (const r of routes.filter((x) => x.path.startsWith('/api/admin/') && x.method === 'GET' && !x.path.includes('{'))) {
      expect({ path: r.path, status: (await ctx.http.get(r.path, { token: admin.token })).status }).toEqual({ path: r.path, status: 200 });
      for (const u of [companyA, influencerA]) expect((await ctx.http.get(r.path, { token: u.token })).status).toBe(403);
    }
    await expectLedgerClean(ctx);
  });
});
