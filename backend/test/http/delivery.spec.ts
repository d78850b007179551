import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import zlib from 'node:zlib';
import { createTestContext, TestContext } from '../support/test-app';

/** Raw GET (no automatic decompression) so the test sees exactly what went over the wire. */
function rawGet(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      })
      .on('error', reject);
  });
}

describe('delivery: compression, caching and Content-Security-Policy', () => {
  let ctx: TestContext;
  let spa: string;
  const bundle = `console.log(${JSON.stringify('x'.repeat(20_000))});`;

  beforeAll(async () => {
    spa = mkdtempSync(join(tmpdir(), 'cp-spa-'));
    mkdirSync(join(spa, 'assets'));
    writeFileSync(
      join(spa, 'index.html'),
      '<!doctype html><html><head><script type="module" src="/assets/index-AbCd1234.js"></script></head><body></body></html>',
    );
    writeFileSync(join(spa, 'assets', 'index-AbCd1234.js'), bundle);
    writeFileSync(join(spa, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    ctx = await createTestContext({ label: 'delivery', env: { SERVE_SPA: 'true', SPA_DIR: spa } });
  });
  afterAll(async () => {
    await ctx?.close();
    rmSync(spa, { recursive: true, force: true });
  });

  it('serves hashed assets brotli-compressed (gzip for older clients) and cached for a year, immutable', async () => {
    const br = await rawGet(`${ctx.baseUrl}/assets/index-AbCd1234.js`, { 'Accept-Encoding': 'br, gzip' });
    expect(br.status).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(zlib.brotliDecompressSync(br.body).toString()).toBe(bundle);
    expect(br.body.length).toBeLessThan(bundle.length / 10);
    expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');

    const gz = await rawGet(`${ctx.baseUrl}/assets/index-AbCd1234.js`, { 'Accept-Encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(zlib.gunzipSync(gz.body).toString()).toBe(bundle);

    const plain = await rawGet(`${ctx.baseUrl}/assets/index-AbCd1234.js`, { 'Accept-Encoding': 'identity' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString()).toBe(bundle);
  });

  it('never caches index.html (new deploys are picked up) and caches unhashed files for an hour only', async () => {
    const index = await rawGet(`${ctx.baseUrl}/`, { Accept: 'text/html' });
    expect(index.status).toBe(200);
    expect(index.headers['cache-control']).toBe('no-cache');
    const route = await rawGet(`${ctx.baseUrl}/payments/checkout/123`, { Accept: 'text/html' });
    expect(route.headers['cache-control']).toBe('no-cache');
    const icon = await rawGet(`${ctx.baseUrl}/favicon.svg`);
    expect(icon.headers['cache-control']).toBe('public, max-age=3600');
  });

  it('compresses API answers too', async () => {
    const docs = await rawGet(`${ctx.baseUrl}/api/docs-json`, { 'Accept-Encoding': 'br' });
    expect(docs.status).toBe(200);
    expect(docs.headers['content-encoding']).toBe('br');
    expect(JSON.parse(zlib.brotliDecompressSync(docs.body).toString()).openapi).toMatch(/^3\./);
  });

  it('gives the SPA a strict CSP: no inline or eval script, Stripe (here: the emulator) the only other script origin', async () => {
    const index = await rawGet(`${ctx.baseUrl}/`, { Accept: 'text/html' });
    const csp = String(index.headers['content-security-policy']);
    const directive = (name: string) =>
      csp
        .split(';')
        .map((d) => d.trim())
        .find((d) => d.startsWith(`${name} `)) ?? '';
    const emulatorOrigin = new URL(ctx.emulator.url).origin;
    expect(directive('script-src').split(' ').slice(1).sort()).toEqual(["'self'", emulatorOrigin].sort());
    expect(directive('script-src')).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(directive('default-src')).toBe("default-src 'self'");
    expect(directive('object-src')).toBe("object-src 'none'");
    expect(directive('frame-ancestors')).toBe("frame-ancestors 'none'");
    expect(directive('connect-src')).toContain(emulatorOrigin);
    const asset = await rawGet(`${ctx.baseUrl}/assets/index-AbCd1234.js`);
    expect(asset.headers['content-security-policy']).toBe(csp);
  });

  it('gives the API docs their own CSP and none to JSON answers', async () => {
    const docs = await rawGet(`${ctx.baseUrl}/api/docs`, { Accept: 'text/html' });
    expect(docs.status).toBe(200);
    expect(String(docs.headers['content-security-policy'])).toContain("script-src 'self'");
    expect(String(docs.headers['content-security-policy'])).not.toMatch(/script-src[^;]*unsafe-inline/);
    // Swagger UI must run under it: no inline <script> blocks in its page
    expect(docs.body.toString()).not.toMatch(/<script>(?!\s*<\/script>)[^<]+<\/script>/);
    const health = await rawGet(`${ctx.baseUrl}/api/health`);
    expect(health.headers['content-security-policy']).toBeUndefined();
  });
});
