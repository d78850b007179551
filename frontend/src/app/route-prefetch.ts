/**
 * Route loaders that start a screen's data requests as soon as the navigation starts, in parallel with downloading
 * the screen's lazy chunk (instead of after it has loaded and rendered). They never wait: the screen's own hooks use
 * the same query definitions and pick up the requests in flight, or the answers, from the cache.
 */
import type { QueryClient } from '@tanstack/react-query';
import { getSession } from '../lib/auth-storage';
import { invoiceListQuery } from '../features/billing/api/get-invoices.api';
import { collaborationQuery } from '../features/collaborations/api/get-collaboration.api';
import { collaborationListQuery } from '../features/collaborations/api/get-collaborations.api';
import { configQuery } from '../features/payments/api/get-config.api';
import { paymentListQuery } from '../features/payments/api/get-payments.api';
import type { AppConfig } from '../types/api';

/**
 * Runs a prefetch in a task of its own, after the one that matched the route: the requests still start at once, but
 * their cost (query setup, fetch calls) no longer adds to the router's start or to a navigation's task.
 */
export function inNextTask(prefetch: () => unknown): null {
  setTimeout(prefetch, 0);
  return null;
}

/** The company overview's requests (CompanyOverview and the CollaborationList below it). */
export function prefetchDashboard(qc: QueryClient): null {
  if (getSession()?.user.role !== 'company') return null;
  void qc.prefetchQuery(paymentListQuery({ limit: 100 }));
  void qc.prefetchQuery(collaborationListQuery({ limit: 100 }));
  void qc.prefetchQuery(collaborationListQuery({ limit: 20 }));
  void qc.prefetchQuery(invoiceListQuery({}));
  return null;
}

const STRIPE_JS_ORIGIN = 'https://js.stripe.com';

function addHint(rel: 'preconnect' | 'preload', href: string, as?: string) {
  if (document.head.querySelector(`link[rel="${rel}"][href="${CSS.escape(href)}"]`)) return;
  const link = document.createElement('link');
  link.rel = rel;
  link.href = href;
  if (as) link.as = as;
  document.head.appendChild(link);
}

/** Where checkout's Stripe.js comes from: connect to it (and in emulator mode fetch the script) while the checkout chunk loads. */
export function hintStripeOrigin(config: AppConfig): void {
  if (config.stripeMode === 'emulator' && config.stripeJsUrl) {
    addHint('preconnect', new URL(config.stripeJsUrl).origin);
    if (config.stripeApiBase) addHint('preconnect', new URL(config.stripeApiBase).origin);
    addHint('preload', config.stripeJsUrl, 'script');
  } else {
    addHint('preconnect', STRIPE_JS_ORIGIN);
  }
}

/** Checkout: the collaboration, the app config (which says where Stripe.js is) and the Stripe.js origin hints. */
export function prefetchCheckout(qc: QueryClient, collaborationId: string | undefined): null {
  if (getSession()?.user.role !== 'company') return null;
  if (collaborationId) void qc.prefetchQuery(collaborationQuery(collaborationId));
  void qc.fetchQuery(configQuery).then(hintStripeOrigin, () => undefined);
  return null;
}
