import fs from 'node:fs';
import path from 'node:path';
import { staticAsset, type StaticAsset } from './http/static-asset';

/**
 * The Stripe.js v3 stand-in served at /js/v3/stripe.js: a browser script kept as its own asset (src/assets/stripe.js,
 * copied next to the compiled code by `npm run build`), read once.
 */
let source: string | undefined;

export function stripeJsSource(): string {
  source ??= fs.readFileSync(path.join(__dirname, 'assets', 'stripe.js'), 'utf8');
  return source;
}

let asset: StaticAsset | undefined;

/** The same script, compressed once (brotli and gzip) for serving. */
export function stripeJsAsset(): StaticAsset {
  asset ??= staticAsset(stripeJsSource());
  return asset;
}
