import { JwtService } from '@nestjs/jwt';
import { randomUUID } from 'node:crypto';
import { createTestContext, TestContext, TestUser } from '../support/test-app';

/** Tokens are re-checked on every request: exp and jti required, the user and role as stored, no revoked token. */
describe('sessions: exp, per-request user/role check, logout (real Postgres)', () => {
  let ctx: TestContext;
  let jwt: JwtService;
  beforeAll(async () => {
    // the default session cache (5 s): every refusal below must hold with it
    ctx = await createTestContext({ label: 'sessions' });
    jwt = new JwtService({ secret: ctx.config.jwtSecret });
  });
  afterAll(() => ctx?.close());

  const me = (token: string) => ctx.http.get('/api/auth/me', { token });

  it('refuses a well-signed token without exp, or without jti; the same claims with both pass', async () => {
    const u = await ctx.user('company');
    const claims = { sub: u.id, email: u.email, role: 'company' };
    const noExp = jwt.sign({ ...claims, jti: randomUUID() }, { algorithm: 'HS256' });
    const noJti = jwt.sign(claims, { algorithm: 'HS256', expiresIn: 600 });
    const both = jwt.sign({ ...claims, jti: randomUUID() }, { algorithm: 'HS256', expiresIn: 600 });
    expect((await me(noExp)).status).toBe(401);
    expect((await me(noJti)).status).toBe(401);
    expect((await me(both)).status).toBe(200);
    const expired = jwt.sign({ ...claims, jti: randomUUID(), exp: Math.floor(Date.now() / 1000) - 10 }, { algorithm: 'HS256' });
    expect((await me(expired)).status).toBe(401);
  });

  it("a deleted user's token gets 401 (was a 500 on POST /api/billing/setup-intent)", async () => {
    const u = await ctx.user('company');
    await ctx.db.query(`DELETE FROM users WHERE id = $1`, [u.id]);
    const r = await ctx.http.post('/api/billing/setup-intent', {}, { token: u.token });
    expect({ status: r.status, code: r.body.code }).toEqual({ status: 401, code: 'UNAUTHORIZED' });
    expect((await me(u.token)).status).toBe(401);
  });

  it('a token whose user changed role is refused with 401 SESSION_STALE (not served with the old role)', async () => {
    const u = await ctx.user('company');
    await ctx.db.query(`UPDATE users SET role = 'influencer' WHERE id = $1`, [u.id]);
    const r = await ctx.http.get('/api/collaborations', { token: u.token });
    expect({ status: r.status, code: r.body.code }).toEqual({ status: 401, code: 'SESSION_STALE' });
    // signing in again gives a token with the new role
    const login = await ctx.http.post('/api/auth/login', { email: u.email, password: 'correct-horse-battery' });
    expect(login.body.user.role).toBe('influencer');
    expect((await me(login.body.accessToken)).status).toBe(200);
  });

  it('POST /api/auth/logout revokes that token at once (even after it was cached), not the other sessions, and survives a restart', async () => {
    const u: TestUser = await ctx.user('influencer');
    const second = (await ctx.http.post('/api/auth/login', { email: u.email, password: 'correct-horse-battery' })).body.accessToken as string;
    expect((await me(u.token)).status).toBe(200); // now in this instance's cache
    const out = await ctx.http.post('/api/auth/logout', {}, { token: u.token });
    expect(out.status).toBe(204);
    const after = await me(u.token);
    expect({ status: after.status, code: after.body.code }).toEqual({ status: 401, code: 'TOKEN_REVOKED' });
    expect((await ctx.http.post('/api/auth/logout', {}, { token: u.token })).status).toBe(401);
    expect((await me(second)).status).toBe(200);
    const [row] = await ctx.db.query(`SELECT user_id, expires_at > now() AS live FROM revoked_tokens WHERE user_id = $1`, [u.id]);
    expect(row).toEqual({ user_id: u.id, live: true });

    // another instance (or this one after a restart): empty cache, same database → still refused
    const other = await createTestContext({ label: 'sessions-2', databaseUrl: ctx.databaseUrl, sharedEmulator: ctx.emulator });
    try {
      expect((await other.http.get('/api/auth/me', { token: u.token })).body.code).toBe('TOKEN_REVOKED');
      expect((await other.http.get('/api/auth/me', { token: second })).status).toBe(200);
    } finally {
      await other.close();
    }
  });
});
