import http from 'node:http';
import zlib from 'node:zlib';
import { preferredEncoding } from '../src/http/static-asset';
import { stripeJsSource } from '../src/stripe-js';
import { Env, startEnv } from './helpers';

/** Raw GET (node's fetch would decompress on its own and hide the Content-Encoding that was sent). */
function get(url: string, headers: Record<string, string>): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
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

describe('stripe emulator: the Stripe.js stand-in is served like a CDN asset', () => {
  let env: Env;
  beforeAll(async () => {
    env = await startEnv();
  });
  afterAll(async () => {
    await env.close();
  });

  it('sends brotli when accepted, gzip when only gzip is, and the plain script otherwise', async () => {
    const url = `${env.emu.url}/js/v3/stripe.js`;
    const br = await get(url, { 'Accept-Encoding': 'gzip, deflate, br' });
    expect(br.status).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toMatch(/Accept-Encoding/);
    expect(zlib.brotliDecompressSync(br.body).toString('utf8')).toBe(stripeJsSource());
    expect(br.body.length).toBeLessThan(Buffer.byteLength(stripeJsSource()) / 2);

    const gz = await get(url, { 'Accept-Encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(zlib.gunzipSync(gz.body).toString('utf8')).toBe(stripeJsSource());

    const plain = await get(url, {});
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString('utf8')).toBe(stripeJsSource());
  });

  it('is cacheable and revalidates with its ETag', async () => {
    const url = `${env.emu.url}/js/v3/stripe.js`;
    const first = await get(url, { 'Accept-Encoding': 'br' });
    expect(first.headers['cache-control']).toMatch(/public, max-age=\d+/);
    expect(first.headers.etag).toBeTruthy();
    const again = await get(url, { 'Accept-Encoding': 'br', 'If-None-Match': String(first.headers.etag) });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
  });

  it('honours q-values, including a refused encoding', () => {
    expect(preferredEncoding(undefined)).toBe('identity');
    expect(preferredEncoding('br;q=0, gzip')).toBe('gzip');
    expect(preferredEncoding('br;q=0.5, gzip;q=0.8')).toBe('gzip');
    expect(preferredEncoding('gzip;q=0, br;q=0')).toBe('identity');
    expect(preferredEncoding('*')).toBe('br');
    expect(preferredEncoding('identity')).toBe('identity');
  });
});
