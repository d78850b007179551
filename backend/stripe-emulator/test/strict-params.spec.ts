import { startStripeEmulator, StripeEmulator } from '../src';
import { buildRoutes } from '../src/routes';
import { SCHEMAS, Spec } from '../src/schemas';
import type { Node } from '../src/schemas/schema';

/**
 * Every emulated endpoint answers like Stripe to an unknown parameter (top level and nested), and to a value of the
 * wrong type / outside the enum, with Stripe's 400, `code` and `param` (the full bracket path). Table-driven over
 * every route the emulator serves, so a new route without a schema fails here.
 */

type Fields = Readonly<Record<string, Spec<unknown>>>;
interface ErrorBody {
  error: { type: string; code?: string; param?: string; message: string };
}

let emu: StripeEmulator;
beforeAll(async () => {
  emu = await startStripeEmulator({ port: 0, logger: () => undefined });
});
afterAll(() => emu.close());

const routes = buildRoutes().map((r) => ({ method: r.method, pattern: r.pattern, key: `${r.method} ${r.pattern}` }));

async function call(method: string, path: string, form: string): Promise<{ status: number; body: ErrorBody }> {
  const withQuery = method === 'POST' ? path : `${path}?${form}`;
  const res = await fetch(`${emu.url}${withQuery}`, {
    method,
    headers: { Authorization: `Bearer ${emu.secretKey}`, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: method === 'POST' ? form : undefined,
  });
  return { status: res.status, body: (await res.json()) as ErrorBody };
}

const pathOf = (pattern: string) => pattern.replace(/:(\w+)/g, 'xx_missing');
const bracket = (path: string[]) =>
  path[0] +
  path
    .slice(1)
    .map((p) => `[${p}]`)
    .join('');

/** the first (shallowest) object-valued parameter, as a path (arrays step through index 0) */
function findObject(fields: Fields, path: string[] = []): string[] | null {
  const queue: Array<{ node: Node; path: string[] }> = Object.entries(fields).map(([k, s]) => ({ node: s.node, path: [...path, k] }));
  while (queue.length) {
    const { node, path: p } = queue.shift()!;
    if (node.kind === 'object') return p;
    if (node.kind === 'array') queue.push({ node: node.of, path: [...p, '0'] });
    if (node.kind === 'oneOf') for (const o of node.options) queue.push({ node: o, path: p });
  }
  return null;
}

type Bad = { path: string[]; value: string; code?: string; message: RegExp };
/** a scalar parameter and a value of the wrong type for it, preferring integers, then enums, booleans, currencies */
function findTyped(fields: Fields): Bad | null {
  const found: Record<string, Bad> = {};
  const walk = (node: Node, path: string[]) => {
    switch (node.kind) {
      case 'int':
        found.int ??= { path, value: 'abc', code: 'parameter_invalid_integer', message: /^Invalid integer: abc$/ };
        break;
      case 'enum':
        found.enum ??= { path, value: 'bogus_value', message: new RegExp(`^Invalid .*: must be one of `) };
        break;
      case 'bool':
        found.bool ??= { path, value: 'maybe', message: /^Invalid boolean: maybe$/ };
        break;
      case 'currency':
        found.currency ??= { path, value: 'xyz', message: /^Invalid currency: xyz\. Stripe currently supports these currencies: .*usd/ };
        break;
      case 'object':
        for (const [k, s] of Object.entries(node.fields)) walk(s.node, [...path, k]);
        break;
      case 'array':
        walk(node.of, [...path, '0']);
        break;
      default:
    }
  };
  for (const [k, s] of Object.entries(fields)) if (s.node.kind !== 'oneOf') walk(s.node, [k]);
  return found.int ?? found.enum ?? found.bool ?? found.currency ?? null;
}

describe('strict parameters on every emulated endpoint', () => {
  it('has a schema for every route and a route for every schema', () => {
    const keys = routes.map((r) => r.key);
    expect(keys.filter((k) => !SCHEMAS[k])).toEqual([]);
    expect(Object.keys(SCHEMAS).filter((k) => !keys.includes(k))).toEqual([]);
    expect(keys.length).toBeGreaterThan(80);
  });

  it.each(routes)('$key: unknown top-level parameter → 400 parameter_unknown', async ({ method, pattern }) => {
    const r = await call(method, pathOf(pattern), 'zz_unknown=1');
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({
      type: 'invalid_request_error',
      code: 'parameter_unknown',
      param: 'zz_unknown',
      message: 'Received unknown parameter: zz_unknown',
    });
  });

  it.each(routes)('$key: unknown nested parameter → 400 parameter_unknown with the bracket path', async ({ method, pattern, key }) => {
    const obj = findObject(SCHEMAS[key]);
    // endpoints whose parameters have no hash: a nested key under an unknown name is unknown at its top
    const path = obj ? [...obj, 'zz_nested'] : ['zz_unknown', 'zz_nested'];
    const param = obj ? bracket(path) : 'zz_unknown';
    const r = await call(method, pathOf(pattern), `${encodeURIComponent(bracket(path))}=1`);
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ type: 'invalid_request_error', code: 'parameter_unknown', param });
  });

  const typed = routes.map((r) => ({ ...r, bad: findTyped(SCHEMAS[r.key]) }));
  it('finds a typed parameter on most endpoints', () => {
    expect(typed.filter((t) => t.bad).length).toBeGreaterThan(60);
  });
  it.each(typed.filter((t) => t.bad))('$key: wrongly typed value → 400 with Stripe code and param', async ({ method, pattern, bad }) => {
    const b = bad!;
    const r = await call(method, pathOf(pattern), `${encodeURIComponent(bracket(b.path))}=${b.value}`);
    expect(r.status).toBe(400);
    expect(r.body.error.type).toBe('invalid_request_error');
    expect(r.body.error.param).toBe(bracket(b.path));
    expect(r.body.error.code).toBe(b.code);
    expect(r.body.error.message).toMatch(b.message);
  });
});
