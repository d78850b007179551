import compression from 'compression';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import zlib from 'node:zlib';
import type { AppConfig } from '../../config/env.schema';

/**
 * How the SPA and the API are delivered: compressed (brotli when the browser accepts it, else gzip), hashed assets
 * cached forever, and a strict Content-Security-Policy for the SPA and the API docs.
 */

/** Brotli/gzip for every compressible answer of 1 KB or more (JSON, JS, CSS, HTML, SVG). Event streams are left alone. */
export function compressionMiddleware(): RequestHandler {
  return compression({
    threshold: 1024,
    // quality 5 keeps brotli cheap enough for dynamic JSON; static assets are small in number and cached by the browser
    brotli: { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5 } },
    filter: (req, res) => !String(res.getHeader('Content-Type') ?? '').startsWith('text/event-stream') && compression.filter(req, res),
  });
}

/** Vite names built assets `name-<hash>.ext` under /assets: their content never changes under that name. */
export const HASHED_ASSET = /\/assets\/[^/]+-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/;

export function staticCacheHeaders(res: Response, path: string): void {
  if (path.endsWith('index.html')) res.setHeader('Cache-Control', 'no-cache');
  else if (HASHED_ASSET.test(path.replace(/\\/g, '/'))) res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
  else res.setHeader('Cache-Control', 'public, max-age=3600');
}

function origin(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/**
 * The SPA's policy. Scripts only from our origin and Stripe.js (or the emulator's stand-in); frames only Stripe's;
 * connections to our API/socket and Stripe's API. No inline script, no eval: the access token lives in localStorage,
 * so an injected script is what this policy exists to stop.
 */
export function spaCsp(cfg: AppConfig): string {
  const emulator = cfg.stripe.mode === 'emulator' ? [origin(process.env.STRIPE_PUBLIC_API_BASE || cfg.stripe.apiBase), origin(cfg.stripe.stripeJsUrl)] : [];
  const stripeScripts = cfg.stripe.mode === 'emulator' ? emulator : ['https://js.stripe.com'];
  const stripeFrames = cfg.stripe.mode === 'emulator' ? emulator : ['https://js.stripe.com', 'https://hooks.stripe.com'];
  const stripeConnect = cfg.stripe.mode === 'emulator' ? emulator : ['https://api.stripe.com'];
  const uniq = (xs: Array<string | undefined>) => [...new Set(xs.filter((x): x is string => !!x))].join(' ');
  return [
    "default-src 'self'",
    `script-src 'self' ${uniq(stripeScripts)}`,
    // React sets styles through the CSSOM (allowed); Stripe's Elements inject style attributes into our page
    "style-src 'self' 'unsafe-inline'",
    `img-src 'self' data: blob: ${uniq(stripeScripts)}`,
    "font-src 'self' data:",
    `connect-src 'self' ws: wss: ${uniq(stripeConnect)}`,
    `frame-src ${uniq(stripeFrames)}`,
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Swagger UI (GET /api/docs) loads its own bundle and init script from our origin and styles itself inline. */
export const DOCS_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Every non-API answer gets the SPA's policy, the docs their own; JSON answers need none. */
export function cspMiddleware(cfg: AppConfig): RequestHandler {
  const spa = spaCsp(cfg);
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.path.startsWith('/api/docs')) res.setHeader('Content-Security-Policy', DOCS_CSP);
    else if (!req.path.startsWith('/api/') && !req.path.startsWith('/admin/queues') && !req.path.startsWith('/socket.io'))
      res.setHeader('Content-Security-Policy', spa);
    next();
  };
}
