import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestContext, TestContext } from '../support/test-app';

/**
 * backend/openapi.json is the checked-in copy of GET /api/docs-json that the SPA's types are generated from
 * (`npm run gen:api -w @collabpay/frontend`, which boots nothing). This test fails when the two drift apart;
 * `UPDATE_OPENAPI=1 npx jest test/http/openapi-sync.spec.ts` rewrites the copy, then run gen:api.
 */
const FILE = join(__dirname, '../../openapi.json');

/** Stable text: keys sorted at every level, so the file only changes when the document does. */
export function canonical(value: unknown): string {
  const sort = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sort)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, sort((v as Record<string, unknown>)[k])]),
          )
        : v;
  return `${JSON.stringify(sort(value), null, 2)}\n`;
}

describe('the checked-in OpenAPI document', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext({ label: 'openapi' });
  });
  afterAll(() => ctx?.close());

  it('matches GET /api/docs-json (regenerate with UPDATE_OPENAPI=1, then npm run gen:api -w @collabpay/frontend)', async () => {
    const live = await ctx.http.get('/api/docs-json');
    expect(live.status).toBe(200);
    const text = canonical(live.body);
    if (process.env.UPDATE_OPENAPI === '1') writeFileSync(FILE, text);
    const stored = readFileSync(FILE, 'utf8');
    // compare parsed documents for a readable diff, then the exact text (key order, formatting)
    expect(JSON.parse(stored)).toEqual(JSON.parse(text));
    expect(stored).toBe(text);
  });

  it('canonical text does not depend on key order (so a drift is a real change)', () => {
    expect(canonical({ b: 1, a: { d: [{ y: 1, x: 2 }], c: 0 } })).toBe(canonical({ a: { c: 0, d: [{ x: 2, y: 1 }] }, b: 1 }));
    expect(canonical({ a: 1 })).not.toBe(canonical({ a: 2 }));
  });
});
