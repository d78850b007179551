import type Stripe from 'stripe';
import { applyMetadata, Collection, int, RequestContext, str } from '../core';
import { invalid, noSuch } from '../errors';
import type { ParamObject } from '../params';
import { State } from '../state';

/** Routing for /v1: the route type, the list object and the helpers every resource's routes share. */

export interface ApiRequest {
  st: State;
  ctx: RequestContext;
  params: ParamObject;
  path: Record<string, string>;
}

export interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  pattern: string;
  re: RegExp;
  keys: string[];
  /** callable with the publishable key (Stripe.js) */
  publishable?: boolean;
  handler: (r: ApiRequest) => unknown;
}

export function route(method: Route['method'], pattern: string, handler: Route['handler'], publishable = false): Route {
  const keys: string[] = [];
  const re = new RegExp(
    '^' +
      pattern.replace(/:(\w+)/g, (_m, k: string) => {
        keys.push(k);
        return '([^/]+)';
      }) +
      '$',
  );
  return { method, pattern, re, keys, handler, publishable };
}

/** Stripe list object with limit / starting_after / ending_before / created filters. */
export function listOf<T extends { id: string }>(items: T[], p: ParamObject, url: string): Stripe.ApiList<T> {
  let rows = items;
  const created = p.created;
  if (typeof created === 'string' && created !== '') rows = rows.filter((o) => (o as unknown as { created: number }).created === Number(created));
  else if (created && typeof created === 'object' && !Array.isArray(created)) {
    const c = created as ParamObject;
    const gte = int(c, 'gte'),
      gt = int(c, 'gt'),
      lte = int(c, 'lte'),
      lt = int(c, 'lt');
    rows = rows.filter((o) => {
      const t = (o as unknown as { created: number }).created;
      return (gte === undefined || t >= gte) && (gt === undefined || t > gt) && (lte === undefined || t <= lte) && (lt === undefined || t < lt);
    });
  }
  const limit = int(p, 'limit') ?? 10;
  if (limit < 1 || limit > 100) throw invalid('This value must be between 1 and 100.', 'limit', 'parameter_invalid_integer');
  const after = str(p, 'starting_after');
  const before = str(p, 'ending_before');
  let page: T[];
  let hasMore: boolean;
  if (after) {
    const i = rows.findIndex((o) => o.id === after);
    if (i < 0) throw noSuch('object', after, 'starting_after');
    const rest = rows.slice(i + 1);
    page = rest.slice(0, limit);
    hasMore = rest.length > limit;
  } else if (before) {
    const i = rows.findIndex((o) => o.id === before);
    if (i < 0) throw noSuch('object', before, 'ending_before');
    const head = rows.slice(0, i);
    page = head.slice(Math.max(0, head.length - limit));
    hasMore = head.length > limit;
  } else {
    page = rows.slice(0, limit);
    hasMore = rows.length > limit;
  }
  return { object: 'list', data: page, has_more: hasMore, url };
}

export function eq<T>(p: ParamObject, key: string, get: (o: T) => unknown): (o: T) => boolean {
  const v = str(p, key);
  return (o) => v === undefined || get(o) === v;
}

export function all<T>(...fs: Array<(o: T) => boolean>): (o: T) => boolean {
  return (o) => fs.every((f) => f(o));
}

export function checkClientSecret(r: ApiRequest, secret: string | null): void {
  if (!r.ctx.publishable) return;
  const given = str(r.params, 'client_secret');
  if (!given || given !== secret)
    throw invalid(
      'The client_secret provided does not match the client_secret associated with the PaymentIntent.',
      'client_secret',
      'payment_intent_invalid_parameter',
    );
}

export function deleted(id: string, object: string) {
  return { id, object, deleted: true };
}

export function crud<T extends { id: string; metadata?: Stripe.Metadata | null }>(
  base: string,
  coll: (st: State) => Collection<T>,
  opts: {
    create?: (r: ApiRequest) => T;
    update?: (r: ApiRequest, o: T) => T;
    filter?: (p: ParamObject) => (o: T) => boolean;
    del?: (r: ApiRequest, o: T) => unknown;
  },
): Route[] {
  const routes: Route[] = [];
  if (opts.create) routes.push(route('POST', base, opts.create));
  routes.push(route('GET', base, (r) => listOf(coll(r.st).list(r.ctx.account, opts.filter?.(r.params)), r.params, base)));
  routes.push(route('GET', `${base}/:id`, (r) => coll(r.st).get(r.path.id, r.ctx.account)));
  routes.push(
    route('POST', `${base}/:id`, (r) => {
      const o = coll(r.st).get(r.path.id, r.ctx.account);
      if (opts.update) return opts.update(r, o);
      o.metadata = applyMetadata(o.metadata ?? {}, r.params);
      return o;
    }),
  );
  if (opts.del) routes.push(route('DELETE', `${base}/:id`, (r) => opts.del!(r, coll(r.st).get(r.path.id, r.ctx.account))));
  return routes;
}
