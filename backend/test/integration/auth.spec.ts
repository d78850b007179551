import { createTestContext, TestContext } from '../support/test-app';

describe('auth (real Postgres + Redis)', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    // a day-long window: the fixed window must not roll over during the 40 attempts on a slow, busy machine
    ctx = await createTestContext({ label: 'auth', env: { AUTH_RATE_LIMIT: '30', AUTH_RATE_LIMIT_WINDOW: '86400' } });
  });
  afterAll(() => ctx?.close());

  const email = () => `user-${Math.random().toString(36).slice(2)}@example.com`;

  it('registers, logs in and reads /me', async () => {
    const e = email();
    const reg = await ctx.http.post('/api/auth/register', { email: e, password: 'correct-horse-battery', name: 'Brand', role: 'company' });
    expect(reg.status).toBe(201);
    expect(reg.body.user).toEqual({ id: expect.any(String), email: e, name: 'Brand', role: 'company' });
    expect(reg.body.user.passwordHash).toBeUndefined();
    const login = await ctx.http.post('/api/auth/login', { email: e.toUpperCase(), password: 'correct-horse-battery' });
    expect(login.status).toBe(200);
    const me = await ctx.http.get('/api/auth/me', { token: login.body.accessToken });
    expect(me.status).toBe(200);
    expect(me.body).toEqual(reg.body.user);
  });

  it('answers 400 with field messages for bad bodies, and rejects unknown fields', async () => {
    const r = await ctx.http.post('/api/auth/register', { email: 'nope', password: 'short', name: '', role: 'admin' });
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('VALIDATION_FAILED');
    expect(r.body.errors).toEqual(expect.arrayContaining([expect.stringMatching(/email/), expect.stringMatching(/password/), expect.stringMatching(/role/)]));
    const extra = await ctx.http.post('/api/auth/register', { email: email(), password: 'correct-horse-battery', name: 'x', role: 'company', isAdmin: true });
    expect(extra.status).toBe(400);
    expect(extra.body.message).toMatch(/isAdmin/);
    const malformed = await ctx.http.request('POST', '/api/auth/login', undefined, { raw: '{"email":', headers: { 'content-type': 'application/json' } });
    expect(malformed.status).toBe(400);
    expect(malformed.body.code).toBe('INVALID_JSON');
    const wrongTypes = await ctx.http.post('/api/auth/login', { email: ['a'], password: 12 });
    expect(wrongTypes.status).toBe(400);
  });

  it('409 on a duplicate email (case-insensitive)', async () => {
    const e = email();
    expect((await ctx.http.post('/api/auth/register', { email: e, password: 'correct-horse-battery', name: 'A', role: 'influencer' })).status).toBe(201);
    const dup = await ctx.http.post('/api/auth/register', { email: e.toUpperCase(), password: 'correct-horse-battery', name: 'B', role: 'company' });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('EMAIL_TAKEN');
  });

  it('401 for bad credentials and bad tokens', async () => {
    const r = await ctx.http.post('/api/auth/login', { email: 'nobody@example.com', password: 'whatever1' });
    expect(r.status).toBe(401);
    expect(r.body.code).toBe('INVALID_CREDENTIALS');
    expect((await ctx.http.get('/api/auth/me')).status).toBe(401);
    const bad = await ctx.http.get('/api/auth/me', { token: 'not.a.jwt' });
    expect(bad.status).toBe(401);
    expect(bad.body).toMatchObject({ statusCode: 401, error: 'Unauthorized', code: 'UNAUTHORIZED' });
  });

  it('403 by role on admin routes', async () => {
    const company = await ctx.user('company');
    const r = await ctx.http.get('/api/admin/ledger/check', { token: company.token });
    expect(r.status).toBe(403);
    expect(r.body.code).toBe('FORBIDDEN_ROLE');
    const influencer = await ctx.user('influencer');
    const i = await ctx.http.get('/api/admin/ledger/check', { token: influencer.token });
    expect({ status: i.status, code: i.body.code }).toEqual({ status: 403, code: 'FORBIDDEN_ROLE' });
    const admin = await ctx.user('admin');
    expect((await ctx.http.get('/api/admin/ledger/check', { token: admin.token })).status).toBe(200);
  });

  it('answers 404 with a code for unknown routes and serves the OpenAPI document', async () => {
    const r = await ctx.http.get('/api/nope');
    expect(r.status).toBe(404);
    expect(r.body.code).toBe('NOT_FOUND');
    const doc = await ctx.http.get('/api/docs-json');
    expect(doc.status).toBe(200);
    expect(doc.body.paths['/api/auth/register']).toBeDefined();
  });

  it('GET /api/config tells the SPA where Stripe (here: the emulator) and its Stripe.js stand-in are', async () => {
    const r = await ctx.http.get('/api/config');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      publishableKey: ctx.emulator.publishableKey,
      stripeMode: 'emulator',
      platformFeeBps: ctx.config.platformFeeBps,
      stripeApiBase: ctx.emulator.url,
      stripeJsUrl: `${ctx.emulator.url}/js/v3/stripe.js`,
    });
    const js = await fetch(r.body.stripeJsUrl);
    expect(js.status).toBe(200);
    expect(await js.text()).toContain('window.Stripe');
  });

  it('health reports database, redis and queue', async () => {
    const r = await ctx.http.get('/api/health');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'ok', info: { database: { status: 'up' }, redis: { status: 'up' }, queue: { status: 'up' } } });
  });

  it('429 when login is hammered', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) statuses.push((await ctx.http.post('/api/auth/login', { email: 'hammer@example.com', password: 'wrongpass' })).status);
    expect(statuses).toContain(429);
    const limited = await ctx.http.post('/api/auth/login', { email: 'hammer@example.com', password: 'wrongpass' });
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe('RATE_LIMITED');
    expect(limited.headers.get('retry-after')).toBeTruthy();
  });
});
