import bcrypt from 'bcryptjs';
import { createTestContext, TestContext } from '../support/test-app';

/** The password policy (a real strength estimate) and no silent 72-byte cut (bcrypt's input limit). */
describe('passwords (real Postgres)', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext({ label: 'passwords' });
  });
  afterAll(() => ctx?.close());

  const email = () => `pw-${Math.random().toString(36).slice(2)}@example.com`;
  const register = (password: string, name = 'Brand') => ctx.http.post('/api/auth/register', { email: email(), password, name, role: 'company' });

  it.each([['password'], ['12345678'], ['        '], ['qwertyuiop'], ['Password1!'], ['aaaaaaaaaaaa']])(
    'refuses %j with 400 WEAK_PASSWORD and advice for people',
    async (pw) => {
      const r = await register(pw);
      expect(r.status).toBe(400);
      expect(r.body).toMatchObject({ code: 'WEAK_PASSWORD', minScore: 3, score: expect.any(Number), suggestions: expect.any(Array) });
      expect(r.body.score).toBeLessThan(3);
      expect(r.body.message).toMatch(/^This password is too easy to guess\. \S/);
    },
  );

  it("refuses a password built from the person's own name and email", async () => {
    const e = email();
    const r = await ctx.http.post('/api/auth/register', { email: e, password: `${e.split('@')[0]}`, name: 'Zorblax Quentworth', role: 'company' });
    expect(r.body.code).toBe('WEAK_PASSWORD');
    const byName = await register('zorblaxquentworth', 'Zorblax Quentworth');
    expect(byName.body.code).toBe('WEAK_PASSWORD');
  });

  it('accepts a strong passphrase, up to 128 characters', async () => {
    expect((await register('correct-horse-battery')).status).toBe(201);
    expect((await register('Tr0ub4dor&3-velvet-lighthouse '.repeat(5).slice(0, 128))).status).toBe(201);
    expect((await register('x'.repeat(129))).body.code).toBe('VALIDATION_FAILED');
  });

  it('two long passwords that share their first 72 bytes are different passwords', async () => {
    const e = email();
    const head = 'violet-harbour-ostrich-quantum-'.repeat(3).slice(0, 72); // 72 bytes
    expect(Buffer.byteLength(head)).toBe(72);
    const a = `${head}-alpha-tail`;
    const b = `${head}-bravo-tail`;
    expect((await ctx.http.post('/api/auth/register', { email: e, password: a, name: 'Long', role: 'company' })).status).toBe(201);
    expect((await ctx.http.post('/api/auth/login', { email: e, password: b })).status).toBe(401);
    expect((await ctx.http.post('/api/auth/login', { email: e, password: head })).status).toBe(401);
    expect((await ctx.http.post('/api/auth/login', { email: e, password: a })).status).toBe(200);
    // multi-byte characters count in bytes: 36 × 'é' (2 bytes) = 72 bytes
    const e2 = email();
    const accent = 'é'.repeat(36) + ' lighthouse velvet 91';
    expect((await ctx.http.post('/api/auth/register', { email: e2, password: accent + 'A', name: 'Acc', role: 'company' })).status).toBe(201);
    expect((await ctx.http.post('/api/auth/login', { email: e2, password: accent + 'B' })).status).toBe(401);
  });

  it('an older plain-bcrypt hash still signs in (and is upgraded); a >72-byte password never matches one', async () => {
    const e = email();
    const reg = await ctx.http.post('/api/auth/register', { email: e, password: 'correct-horse-battery', name: 'Old', role: 'company' });
    const head = 'violet-harbour-ostrich-quantum-'.repeat(3).slice(0, 72);
    await ctx.db.query(`UPDATE users SET password_hash = $2 WHERE id = $1`, [reg.body.user.id, bcrypt.hashSync(head, 4)]);
    expect((await ctx.http.post('/api/auth/login', { email: e, password: `${head}-anything` })).status).toBe(401);
    expect((await ctx.http.post('/api/auth/login', { email: e, password: head })).status).toBe(200);
    const [row] = await ctx.db.query(`SELECT password_hash FROM users WHERE id = $1`, [reg.body.user.id]);
    expect(row.password_hash).toMatch(/^v2\$\$2[aby]\$/);
    expect((await ctx.http.post('/api/auth/login', { email: e, password: head })).status).toBe(200);
    expect((await ctx.http.post('/api/auth/login', { email: e, password: `${head}-anything` })).status).toBe(401);
  });
});
