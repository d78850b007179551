import fc from 'fast-check';
import { expectLedgerClean, payWith, proposeAndAccept } from '../support/flows';
import { createTestContext, TestContext, TestUser } from '../support/test-app';
import { discoverRoutes, fillPath, Route, workflowIds } from './routes';

/** Random and schema-shaped bodies for every documented route: any answer but a 5xx. */
describe('fuzz: no body ever produces a 500', () => {
  let ctx: TestContext;
  let users: TestUser[];
  let routes: Route[];
  let ids: Record<string, string>;

  beforeAll(async () => {
    ctx = await createTestContext({ label: 'fuzz' });
    const company = await ctx.user('company');
    const influencer = await ctx.user('influencer');
    const admin = await ctx.user('admin');
    users = [company, influencer, admin];
    const { collaboration, paymentId } = await proposeAndAccept(ctx, company, influencer, {
      amount: 90000,
      milestones: [
        { title: 'a', amount: 45000 },
        { title: 'b', amount: 45000 },
      ],
    });
    await payWith(ctx, company, collaboration.id);
    ids = {
      '/api/collaborations/=id': collaboration.id,
      '/api/payments/=id': paymentId,
      collaborationId: collaboration.id,
      milestoneId: collaboration.milestones[0].id,
      id: paymentId,
    };
    Object.assign(ids, await workflowIds(ctx, company, { collaborationId: collaboration.id, milestoneId: collaboration.milestones[1].id, paymentId }));
    routes = (await discoverRoutes(ctx)).filter((r) => r.hasBody && r.path !== '/api/payments/webhook');
  });
  afterAll(() => ctx?.close());

  const weird = fc.oneof(
    fc.string(),
    fc.integer(),
    fc.double(),
    fc.constantFrom(
      Number.MAX_SAFE_INTEGER + 2,
      -1,
      0,
      1e308,
      2 ** 63,
      '１２３',
      'NaN',
      '',
      ' ',
      '\u0000',
      'a\u0000b',
      '\ud800',
      'x\udfff',
      'a'.repeat(5000),
      '<script>',
      "' OR 1=1 --",
      '../../etc/passwd',
      true,
      false,
      null,
    ),
    fc.array(fc.jsonValue(), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue(), { maxKeys: 3 }),
  );

  function resolve(schema: any, all: Record<string, any>): any {
    if (schema?.$ref) return all[schema.$ref.split('/').pop()];
    return schema;
  }

  /** Bodies shaped like the route's DTO (right keys, wrong/edge values), plus anything-goes JSON. */
  function bodyArb(r: Route): fc.Arbitrary<unknown> {
    const schema = resolve(r.bodySchema, r.schemas);
    const props: Record<string, unknown> = schema?.properties ?? {};
    const shaped = Object.keys(props).length
      ? fc.record(
          Object.fromEntries(
            Object.keys(props).map((k) => [k, fc.oneof(weird, fc.constantFrom(ids.collaborationId, ids.milestoneId, 'usd', 'jpy', 100, 5000))]),
          ),
          { requiredKeys: [] },
        )
      : fc.constant({});
    return fc.oneof({ weight: 3, arbitrary: shaped }, { weight: 1, arbitrary: fc.jsonValue() }, { weight: 1, arbitrary: weird });
  }

  it('every POST/PUT/PATCH route answers 4xx/2xx for random bodies, with a stable code on errors', async () => {
    expect(routes.length).toBeGreaterThan(5);
    for (const r of routes) {
      await fc.assert(
        fc.asyncProperty(bodyArb(r), fc.constantFrom(...users), async (body, user) => {
          const res = await ctx.http.request(r.method, fillPath(r.path, ids), undefined, {
            token: user.token,
            raw: JSON.stringify(body),
            headers: { 'content-type': 'application/json' },
          });
          if (res.status >= 500)
            throw new Error(`${r.method} ${r.path} as ${user.role} with ${JSON.stringify(body).slice(0, 300)} → ${res.status} ${res.text.slice(0, 300)}`);
          if (res.status >= 400) expect(typeof res.body.code).toBe('string');
        }),
        { numRuns: Number(process.env.FUZZ_RUNS ?? 25) },
      );
    }
  });

  // Text PostgreSQL cannot store: NUL (refused in text and jsonb) and lone UTF-16 surrogates (not Unicode).
  const UNSTORABLE = ['\u0000', 'a\u0000b', '\ud800', 'x\udfff'];
  const URL_UNSTORABLE = ['%00', 'a%00b'];

  /** Sends as every user: none may see a 5xx, and (the global rule) whoever may call the route gets 400 INVALID_CHARACTERS. */
  async function expectRefusedForAll(method: Route['method'], path: string, body: unknown, what: string) {
    const codes: string[] = [];
    for (const u of users) {
      const res = await ctx.http.request(method, path, undefined, {
        token: u.token,
        ...(body === undefined ? {} : { raw: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
      });
      codes.push(`${u.role}:${res.status}:${res.body?.code}`);
      expect({ what, as: u.role, status: res.status < 500 }).toEqual({ what, as: u.role, status: true });
    }
    expect({ what, codes }).toEqual({ what, codes: expect.arrayContaining([expect.stringMatching(/:400:INVALID_CHARACTERS$/)]) });
  }

  /** `{field: bad}` for every field of the DTO, and one level down for nested objects and arrays of them. */
  function unstorableBodies(r: Route, bad: string): { field: string; body: unknown }[] {
    const schema = resolve(r.bodySchema, r.schemas);
    const out: { field: string; body: unknown }[] = [];
    for (const [k, prop] of Object.entries<any>(schema?.properties ?? {})) {
      out.push({ field: k, body: { [k]: bad } });
      const inner = resolve(prop.type === 'array' ? prop.items : prop, r.schemas);
      for (const k2 of Object.keys(inner?.properties ?? {})) {
        out.push({ field: `${k}.${k2}`, body: { [k]: prop.type === 'array' ? [{ [k2]: bad }] : { [k2]: bad } } });
      }
    }
    return out;
  }

  it('text PostgreSQL cannot store, in any body field of any route, is 400 INVALID_CHARACTERS (never a 500)', async () => {
    let checked = 0;
    for (const r of routes) {
      for (const bad of UNSTORABLE) {
        for (const { field, body } of unstorableBodies(r, bad)) {
          await expectRefusedForAll(r.method, fillPath(r.path, ids), body, `${r.method} ${r.path} ${field}=${JSON.stringify(bad)}`);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(50);
    // the probe's case, without a token
    const res = await ctx.http.post('/api/auth/register', { email: 'nul@example.com', password: 'correct-horse-battery', name: '\u0000', role: 'company' });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'INVALID_CHARACTERS', field: 'name' });
  });

  it('... in any path parameter (e.g. /api/admin/webhook-events/%00) or query parameter, is 400 INVALID_CHARACTERS', async () => {
    const all = (await discoverRoutes(ctx)).filter((r) => r.path !== '/api/payments/webhook' && !r.path.startsWith('/api/docs'));
    let paths = 0;
    let queries = 0;
    for (const r of all) {
      const body = r.hasBody ? {} : undefined;
      for (const p of r.params) {
        for (const bad of URL_UNSTORABLE) {
          if (p.in === 'path') {
            await expectRefusedForAll(r.method, fillPath(r.path, ids, { name: p.name, value: bad }), body, `${r.method} ${r.path} {${p.name}}=${bad}`);
            paths++;
          } else {
            await expectRefusedForAll(
              r.method,
              `${fillPath(r.path, ids)}?${encodeURIComponent(p.name)}=${bad}`,
              body,
              `${r.method} ${r.path}?${p.name}=${bad}`,
            );
            queries++;
          }
        }
      }
    }
    expect(paths).toBeGreaterThan(10);
    expect(queries).toBeGreaterThan(5);
    const admin = users[2];
    for (const [method, path] of [
      ['GET', '/api/admin/webhook-events/%00'],
      ['POST', '/api/admin/webhook-events/%00/replay'],
    ] as const) {
      const res = await ctx.http.request(method, path, undefined, { token: admin.token });
      expect({ path, status: res.status, code: res.body.code }).toEqual({ path, status: 400, code: 'INVALID_CHARACTERS' });
    }
  });

  it('malformed payloads (not JSON, wrong content type, huge) are 4xx', async () => {
    const [company] = users;
    for (const r of routes) {
      const path = fillPath(r.path, ids);
      for (const [raw, type] of [
        ['{"a":', 'application/json'],
        ['amount=1', 'application/x-www-form-urlencoded'],
        ['\u0000\u0001', 'application/octet-stream'],
        [JSON.stringify({ x: 'y'.repeat(300_000) }), 'application/json'],
      ] as const) {
        const res = await ctx.http.request(r.method, path, undefined, { token: company.token, raw, headers: { 'content-type': type } });
        expect({ route: `${r.method} ${r.path}`, type, status: res.status < 500 }).toEqual({ route: `${r.method} ${r.path}`, type, status: true });
      }
    }
  });

  it('query strings are validated too', async () => {
    const [company, influencer] = users;
    const gets = (await discoverRoutes(ctx)).filter((r) => r.method === 'GET' && !r.path.includes('{') && !r.path.startsWith('/api/docs'));
    for (const r of gets) {
      for (const q of [
        '?limit=0',
        '?limit=abc',
        '?limit=101',
        '?cursor=%%%',
        '?cursor=bm9wZQ',
        '?cursor=LTI3MTgyMS0wNC0yMFQwMDowMDowMC4wMDBafDAwMDAwMDAwLTAwMDAtNDAwMC04MDAwLTAwMDAwMDAwMDAwMA',
        '?status=NOPE',
        '?limit=1e3',
        '?currency=<x>&type=both',
      ]) {
        for (const u of [company, influencer]) {
          const res = await ctx.http.get(r.path + q, { token: u.token });
          expect({ route: r.path + q, status: res.status < 500 }).toEqual({ route: r.path + q, status: true });
        }
      }
    }
    await expectLedgerClean(ctx);
  });
});
