import http from 'node:http';
import { createHash } from 'node:crypto';
import zlib from 'node:zlib';
import { send } from './respond';

/**
 * A static text asset served the way a CDN serves it (js.stripe.com): compressed with brotli or gzip when the
 * client's Accept-Encoding allows, an ETag for revalidation and a short public Cache-Control. Both encodings are
 * computed once per asset.
 */
export interface StaticAsset {
  identity: Buffer;
  br: Buffer;
  gzip: Buffer;
  etag: string;
}

export function staticAsset(text: string): StaticAsset {
  const identity = Buffer.from(text, 'utf8');
  return {
    identity,
    br: zlib.brotliCompressSync(identity, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }),
    gzip: zlib.gzipSync(identity, { level: 9 }),
    etag: `"${createHash('sha256').update(identity).digest('base64url').slice(0, 27)}"`,
  };
}

/** `br`, `gzip` or `identity`: the best encoding the header accepts (q=0 refuses one; no header means identity). */
export function preferredEncoding(acceptEncoding: string | undefined): 'br' | 'gzip' | 'identity' {
  if (!acceptEncoding) return 'identity';
  const q = new Map<string, number>();
  for (const part of acceptEncoding.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const value = qParam ? Number(qParam.slice(2)) : 1;
    q.set(name, Number.isFinite(value) ? value : 0);
  }
  const weight = (name: string) => q.get(name) ?? q.get('*') ?? 0;
  if (weight('br') > 0 && weight('br') >= weight('gzip')) return 'br';
  if (weight('gzip') > 0) return 'gzip';
  return 'identity';
}

export function sendStaticAsset(req: http.IncomingMessage, res: http.ServerResponse, asset: StaticAsset, contentType: string, cacheControl: string): void {
  const headers: Record<string, string> = { 'Content-Type': contentType, 'Cache-Control': cacheControl, ETag: asset.etag, Vary: 'Accept-Encoding' };
  if (req.headers['if-none-match'] === asset.etag) return send(res, 304, '', headers);
  const encoding = preferredEncoding(req.headers['accept-encoding']);
  if (encoding === 'identity') return send(res, 200, req.method === 'HEAD' ? '' : asset.identity, headers);
  return send(res, 200, req.method === 'HEAD' ? '' : asset[encoding], { ...headers, 'Content-Encoding': encoding });
}
