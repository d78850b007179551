import type { Route } from './routes';

/** Subscriptions are not emulated yet (see README). */
export function subscriptionRoutes(): Route[] {
  return [];
}
