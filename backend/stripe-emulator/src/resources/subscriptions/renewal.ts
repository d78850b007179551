import type Stripe from 'stripe';
import { previousAttributes, snapshot } from '../../core';
import { invalid } from '../../errors';
import { State } from '../../state';
import { finalizeInvoice } from '../invoices/collection';
import { addIntervals, RETRY_DAYS, sysCtx } from './periods';
import { attemptPayment, priv, setStatus, subscriptionInvoice } from './shared';
import { cancelSubscription } from './update';

export interface AdvanceResult {
  subscription: Stripe.Subscription;
  /** the renewal invoice; null when the subscription ended at the period end instead */
  invoice: Stripe.Invoice | null;
}

/**
 * Move a subscription to its next period, as if its period end had come: with `cancel_at_period_end` (or a
 * `cancel_at` reached) it is canceled (`customer.subscription.deleted`); otherwise the period moves
 * (`customer.subscription.updated`), the renewal invoice (`billing_reason: 'subscription_cycle'`) is created,
 * finalized and charged off-session with the default payment method: paid → `invoice.paid`; declined →
 * `invoice.payment_failed`, subscription `past_due`, retries scheduled.
 */
export function advanceSubscription(st: State, account: string, sub: Stripe.Subscription): AdvanceResult {
  if (sub.status === 'canceled' || sub.status === 'incomplete_expired')
    throw invalid(`Subscription ${sub.id} has ended (status ${sub.status}); it has no next period.`, undefined, 'subscription_ended');
  if (sub.status === 'incomplete')
    throw invalid(`Subscription ${sub.id} is incomplete: its first invoice must be paid before it renews.`, undefined, 'subscription_incomplete');
  const sp = priv(st, sub);
  const ctx = sysCtx(st, account);
  const oldStart = sub.items.data[0].current_period_start;
  const oldEnd = sub.items.data[0].current_period_end;
  if (sub.cancel_at_period_end || (sub.cancel_at !== null && sub.cancel_at <= oldEnd)) {
    cancelSubscription(st, null, account, sub, { at: sub.cancel_at ?? oldEnd, reason: 'cancellation_requested' });
    return { subscription: sub, invoice: null };
  }
  const before = snapshot(sub);
  sp.period += 1;
  sp.retries = 0;
  const start = addIntervals(sp.anchor, sp.interval, sp.intervalCount, sp.period);
  const end = addIntervals(sp.anchor, sp.interval, sp.intervalCount, sp.period + 1);
  for (const it of sub.items.data) {
    it.current_period_start = start;
    it.current_period_end = end;
  }
  // Stripe's renewal invoice: `period_start/end` = the period that just ended, the lines = the new service period
  const inv = subscriptionInvoice(st, ctx, sub, 'subscription_cycle', { start, end }, { start: oldStart, end: oldEnd });
  sub.latest_invoice = inv.id;
  st.emit('customer.subscription.updated', sub, { account, previous: previousAttributes(before, sub) });
  finalizeInvoice(st, null, account, inv, { piDescription: 'Subscription update', scheduleAttempt: false });
  if (sub.collection_method === 'send_invoice') {
    if (inv.status === 'open') st.emit('invoice.sent', inv, { account });
  } else {
    attemptPayment(st, null, account, sub, inv, true);
  }
  return { subscription: sub, invoice: inv };
}

/** Smart Retries stand-in: retry a failed renewal after RETRY_DAYS; when all fail, cancel (Stripe's default setting). */
function scheduleRetry(st: State, account: string, sub: Stripe.Subscription, inv: Stripe.Invoice): void {
  const sp = st.subPrivate.get(sub.id);
  if (!sp) return;
  const days = RETRY_DAYS[sp.retries];
  if (days === undefined) {
    inv.next_payment_attempt = null;
    cancelSubscription(st, null, account, sub, { reason: 'payment_failed' });
    return;
  }
  inv.next_payment_attempt = st.core.now() + days * 86400;
  const attempt = sp.retries;
  st.core.schedule(days * 86400 * 1000, () => {
    if (inv.status !== 'open' || sub.status !== 'past_due' || sub.latest_invoice !== inv.id || sp.retries !== attempt || !inv.auto_advance) return;
    sp.retries += 1;
    attemptPayment(st, null, account, sub, inv, true);
  });
}

function subscriptionOf(st: State, inv: Stripe.Invoice): Stripe.Subscription | undefined {
  const id = inv.parent?.subscription_details?.subscription;
  return typeof id === 'string' ? st.subscriptions.find(id) : undefined;
}

/** Invoice outcomes move their subscription (registered once per State). */
export function registerSubscriptionHooks(st: State): void {
  st.invoicePaidHooks.push((inv, account, ctx) => {
    const sub = subscriptionOf(st, inv);
    if (!sub || st.subPrivate.get(sub.id)?.creating) return;
    if (sub.latest_invoice !== inv.id) return;
    if (['incomplete', 'past_due', 'unpaid'].includes(sub.status)) setStatus(st, ctx, account, sub, 'active');
  });
  st.invoiceFailedHooks.push((inv, account, ctx) => {
    const sub = subscriptionOf(st, inv);
    if (!sub || st.subPrivate.get(sub.id)?.creating) return;
    if (sub.latest_invoice !== inv.id || inv.billing_reason === 'subscription_create') return;
    if (sub.status === 'active') setStatus(st, ctx, account, sub, 'past_due');
    if (sub.status === 'past_due' && inv.collection_method === 'charge_automatically' && inv.auto_advance) scheduleRetry(st, account, sub, inv);
  });
}
