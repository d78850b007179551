import type Stripe from 'stripe';
import { applyMetadata, bool, int, obj, previousAttributes, RequestContext, snapshot, str } from '../../core';
import { invalid } from '../../errors';
import type { ParamObject } from '../../params';
import { State } from '../../state';
import { defaultPm } from './shared';

export function updateSubscription(st: State, ctx: RequestContext, sub: Stripe.Subscription, p: ParamObject): Stripe.Subscription {
  const keys = Object.keys(p);
  if (sub.status === 'canceled' || sub.status === 'incomplete_expired') {
    if (keys.some((k) => k !== 'metadata' && k !== 'cancellation_details'))
      throw invalid('A canceled subscription can only update its cancellation_details and metadata.');
  }
  if (
    sub.status === 'incomplete' &&
    keys.some((k) => !['metadata', 'default_payment_method', 'default_source', 'description', 'payment_behavior', 'off_session'].includes(k))
  )
    throw invalid(
      'A subscription in status `incomplete` can only update `metadata`, `default_payment_method` and `default_source`; pay its first invoice first.',
    );
  if (p.items !== undefined) throw invalid('The emulator does not support changing subscription items; cancel and create a new subscription.', 'items');
  const before = snapshot(sub);
  const now = st.core.now();
  const periodEnd = sub.items.data[0].current_period_end;
  if (p.cancel_at_period_end !== undefined) {
    const atEnd = bool(p, 'cancel_at_period_end') ?? false;
    sub.cancel_at_period_end = atEnd;
    sub.cancel_at = atEnd ? periodEnd : null;
    sub.canceled_at = atEnd ? now : null;
    sub.cancellation_details = { ...sub.cancellation_details!, reason: atEnd ? 'cancellation_requested' : null };
  }
  if (p.cancel_at !== undefined) {
    const at = str(p, 'cancel_at');
    if (!at) {
      sub.cancel_at = null;
      sub.cancel_at_period_end = false;
      sub.canceled_at = null;
      sub.cancellation_details = { ...sub.cancellation_details!, reason: null };
    } else {
      const t = at === 'max_period_end' || at === 'min_period_end' ? periodEnd : int(p, 'cancel_at')!;
      if (t <= now) throw invalid('cancel_at must be in the future.', 'cancel_at');
      sub.cancel_at = t;
      sub.canceled_at = now;
      sub.cancel_at_period_end = t === periodEnd;
      sub.cancellation_details = { ...sub.cancellation_details!, reason: 'cancellation_requested' };
    }
  }
  const cd = obj(p, 'cancellation_details');
  if (cd) {
    const c = sub.cancellation_details!;
    if (cd.comment !== undefined) c.comment = str(cd, 'comment') || null;
    if (cd.feedback !== undefined) c.feedback = (str(cd, 'feedback') || null) as Stripe.Subscription.CancellationDetails.Feedback | null;
  }
  if (p.default_payment_method !== undefined) {
    const id = str(p, 'default_payment_method');
    sub.default_payment_method = id ? defaultPm(st, ctx, String(sub.customer), id) : null;
  }
  if (p.description !== undefined) sub.description = str(p, 'description') || null;
  if (p.collection_method !== undefined) {
    const cm = str(p, 'collection_method') as Stripe.Subscription.CollectionMethod;
    if (!['charge_automatically', 'send_invoice'].includes(cm)) throw invalid('Invalid collection_method', 'collection_method');
    sub.collection_method = cm;
  }
  if (p.days_until_due !== undefined) sub.days_until_due = int(p, 'days_until_due') ?? null;
  if (sub.collection_method === 'send_invoice' && sub.days_until_due === null)
    throw invalid('Missing required param: days_until_due.', 'days_until_due', 'parameter_missing');
  if (sub.collection_method === 'charge_automatically') sub.days_until_due = null;
  sub.metadata = applyMetadata(sub.metadata, p);
  const prev = previousAttributes(before, sub);
  if (Object.keys(prev).length) st.emit('customer.subscription.updated', sub, { account: ctx.account, ctx, previous: prev });
  return sub;
}

/** Stop collecting the subscription's open invoices (what Stripe does on cancellation). */
function stopCollection(st: State, account: string, sub: Stripe.Subscription): void {
  for (const inv of st.invoices.list(account, (i) => i.parent?.subscription_details?.subscription === sub.id && i.status === 'open')) {
    inv.auto_advance = false;
    inv.next_payment_attempt = null;
  }
}

export function cancelSubscription(
  st: State,
  ctx: RequestContext | null,
  account: string,
  sub: Stripe.Subscription,
  opts: { at?: number; reason?: Stripe.Subscription.CancellationDetails.Reason; comment?: string | null; feedback?: string | null },
): Stripe.Subscription {
  if (sub.status === 'canceled' || sub.status === 'incomplete_expired')
    throw invalid('A canceled subscription can only update its cancellation_details and metadata.');
  const now = st.core.now();
  const end = opts.at ?? now;
  if (sub.status === 'incomplete') {
    const inv = typeof sub.latest_invoice === 'string' ? st.invoices.find(sub.latest_invoice) : undefined;
    if (inv?.status === 'open') {
      inv.status = 'void';
      inv.status_transitions.voided_at = now;
      inv.next_payment_attempt = null;
      st.emit('invoice.voided', inv, { account, ctx, previous: { status: 'open' } });
    }
  }
  sub.status = 'canceled';
  sub.ended_at = end;
  if (sub.canceled_at === null || opts.at === undefined) sub.canceled_at = now;
  sub.cancellation_details = {
    comment: opts.comment !== undefined ? opts.comment : (sub.cancellation_details?.comment ?? null),
    feedback: (opts.feedback !== undefined
      ? opts.feedback
      : (sub.cancellation_details?.feedback ?? null)) as Stripe.Subscription.CancellationDetails.Feedback | null,
    feedback_option: null,
    reason: opts.reason ?? 'cancellation_requested',
  };
  stopCollection(st, account, sub);
  st.emit('customer.subscription.deleted', sub, { account, ctx });
  return sub;
}
