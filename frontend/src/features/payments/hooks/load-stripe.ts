/**
 * Loads Stripe.js for the checkout route only (this module is imported only from the lazy checkout chunk).
 * In emulator mode the emulator's stand-in script is injected first; it defines `window.Stripe`, which
 * `loadStripe` then reuses. `@stripe/stripe-js/pure` is used so nothing is fetched from Stripe's CDN at
 * import time.
 */
import type { Stripe } from '@stripe/stripe-js';
import { loadStripe } from '@stripe/stripe-js/pure';
import type { AppConfig } from '../../../types/api';

const scriptLoads = new Map<string, Promise<void>>();

/** Injects `<script src>` once and resolves when it has loaded and defined window.Stripe. */
export function injectScript(src: string): Promise<void> {
  const existing = scriptLoads.get(src);
  if (existing) return existing;
  const promise = new Promise<void>((resolve, reject) => {
    if (window.Stripe) {
      resolve();
      return;
    }
    const script = document.createElement('script');
    script.src = src;
    script.async = true;
    script.dataset.stripeEmulator = 'true';
    script.addEventListener('load', () =>
      window.Stripe ? resolve() : reject(new Error('The Stripe emulator script loaded but did not define window.Stripe')),
    );
    script.addEventListener('error', () => reject(new Error(`Could not load the Stripe emulator script (${src})`)));
    document.head.appendChild(script);
  }).catch((e: unknown) => {
    scriptLoads.delete(src);
    throw e;
  });
  scriptLoads.set(src, promise);
  return promise;
}

const stripePromises = new Map<string, Promise<Stripe | null>>();

export function getStripe(config: AppConfig): Promise<Stripe | null> {
  const cacheKey = `${config.stripeMode}|${config.publishableKey}|${config.stripeJsUrl ?? ''}`;
  let promise = stripePromises.get(cacheKey);
  if (!promise) {
    promise = (async () => {
      if (config.stripeMode === 'emulator') {
        if (!config.stripeJsUrl) throw new Error('The server runs the Stripe emulator but sent no stripeJsUrl');
        await injectScript(config.stripeJsUrl);
      }
      return loadStripe(config.publishableKey);
    })();
    promise.catch(() => stripePromises.delete(cacheKey));
    stripePromises.set(cacheKey, promise);
  }
  return promise;
}
