import type Stripe from 'stripe';
import { int, obj, reqStr, str } from '../../core';
import { invalid } from '../../errors';
import { ApiRequest, eq, listOf, route, Route } from '../../http/router';
import type { ParamObject } from '../../params';
import { createSubscription } from './create';
import { cancelSubscription, updateSubscription } from './update';

function rangeFilter(p: ParamObject, key: string, get: (s: Stripe.Subscription) => number): (s: Stripe.Subscription) => boolean {
  const v = p[key];
  if (v === undefined || v === '') return () => true;
  if (typeof v === 'string') return (s) => get(s) === Number(v);
  if (typeof v !== 'object' || Array.isArray(v)) throw invalid('Invalid range', key);
  const gte = int(v, 'gte'),
    gt = int(v, 'gt'),
    lte = int(v, 'lte'),
    lt = int(v, 'lt');
  return (s) => {
    const t = get(s);
    return (gte === undefined || t >= gte) && (gt === undefined || t > gt) && (lte === undefined || t <= lte) && (lt === undefined || t < lt);
  };
}

function listSubscriptions(r: ApiRequest): Stripe.ApiList<Stripe.Subscription> {
  const p = r.params;
  const status = str(p, 'status');
  const ended = ['canceled', 'incomplete_expired'];
  const statusOk = (s: Stripe.Subscription) =>
    status === 'all' ? true : status === 'ended' ? ended.includes(s.status) : status ? s.status === status : !ended.includes(s.status);
  const price = str(p, 'price') ?? str(p, 'plan');
  const filters = [
    statusOk,
    eq<Stripe.Subscription>(p, 'customer', (s) => s.customer),
    eq<Stripe.Subscription>(p, 'collection_method', (s) => s.collection_method),
    (s: Stripe.Subscription) => !price || s.items.data.some((i) => i.price.id === price),
    rangeFilter(p, 'current_period_start', (s) => s.items.data[0].current_period_start),
    rangeFilter(p, 'current_period_end', (s) => s.items.data[0].current_period_end),
  ];
  const rest: ParamObject = { ...p };
  for (const k of ['status', 'customer', 'collection_method', 'price', 'plan', 'current_period_start', 'current_period_end']) delete rest[k];
  return listOf(
    r.st.subscriptions.list(r.ctx.account, (s) => filters.every((f) => f(s))),
    rest,
    '/v1/subscriptions',
  );
}

export function subscriptionRoutes(): Route[] {
  return [
    route('POST', '/v1/subscriptions', (r) => createSubscription(r.st, r.ctx, r.params)),
    route('GET', '/v1/subscriptions', (r) => listSubscriptions(r)),
    route('GET', '/v1/subscriptions/:id', (r) => r.st.subscriptions.get(r.path.id, r.ctx.account)),
    route('POST', '/v1/subscriptions/:id', (r) => updateSubscription(r.st, r.ctx, r.st.subscriptions.get(r.path.id, r.ctx.account), r.params)),
    route('DELETE', '/v1/subscriptions/:id', (r) => {
      const sub = r.st.subscriptions.get(r.path.id, r.ctx.account);
      const cd = obj(r.params, 'cancellation_details') ?? {};
      return cancelSubscription(r.st, r.ctx, r.ctx.account, sub, {
        reason: 'cancellation_requested',
        comment: cd.comment !== undefined ? str(cd, 'comment') || null : undefined,
        feedback: cd.feedback !== undefined ? str(cd, 'feedback') || null : undefined,
      });
    }),
    route('GET', '/v1/subscription_items', (r) => {
      const subId = reqStr(r.params, 'subscription');
      const sub = r.st.subscriptions.get(subId, r.ctx.account, 'subscription');
      const { subscription: _s, ...rest } = r.params;
      void _s;
      return listOf(sub.items.data, rest, `/v1/subscription_items?subscription=${sub.id}`);
    }),
    route('GET', '/v1/subscription_items/:id', (r) => r.st.subscriptionItems.get(r.path.id, r.ctx.account)),
  ];
}
