import type Stripe from 'stripe';
import { periodIndexOf, retainerMetadata, retainerStatusOf, subscriptionIdOf } from '../../src/modules/billing/retainers/subscription-invoice';
import { addIntervals } from '@collabpay/stripe-emulator';

/** Which month a subscription invoice bills, from its line period (pure: no database, no emulator). */
describe('retainer subscription invoices', () => {
  const t = (iso: string) => Math.floor(Date.parse(iso) / 1000);
  const invoice = (reason: Stripe.Invoice.BillingReason, start: number, type = 'subscription_item_details') =>
    ({ billing_reason: reason, lines: { data: [{ parent: { type }, period: { start, end: start + 1 } }] } }) as unknown as Stripe.Invoice;

  it('the first invoice is period 0 and each renewal counts the months since the anchor (days clamped)', () => {
    const anchor = t('2027-01-31T22:15:00Z');
    expect(periodIndexOf(invoice('subscription_create', anchor), anchor)).toBe(0);
    for (let n = 1; n <= 14; n++) expect(periodIndexOf(invoice('subscription_cycle', addIntervals(anchor, 'month', 1, n)), anchor)).toBe(n);
  });

  it('an invoice that bills no period (proration, manual) or has no line gives null', () => {
    const anchor = t('2027-03-15T00:00:00Z');
    expect(periodIndexOf(invoice('subscription_update', anchor), anchor)).toBeNull();
    expect(periodIndexOf(invoice('manual', anchor), anchor)).toBeNull();
    expect(periodIndexOf({ billing_reason: 'subscription_cycle', lines: { data: [] } } as unknown as Stripe.Invoice, anchor)).toBeNull();
    expect(periodIndexOf(invoice('subscription_cycle', anchor), anchor)).toBeNull(); // a renewal cannot bill month 0
  });

  it('reads the subscription and its metadata from invoice.parent', () => {
    const inv = {
      parent: { type: 'subscription_details', subscription_details: { subscription: 'sub_1', metadata: { kind: 'retainer', retainer_id: 'r1' } } },
    } as unknown as Stripe.Invoice;
    expect(retainerMetadata(inv)).toEqual({ kind: 'retainer', retainer_id: 'r1' });
    expect(subscriptionIdOf(inv)).toBe('sub_1');
    expect(retainerMetadata({ parent: null } as Stripe.Invoice)).toBeNull();
    expect(
      retainerMetadata({ parent: { subscription_details: { subscription: 'sub_2', metadata: { kind: 'other' } } } } as unknown as Stripe.Invoice),
    ).toBeNull();
  });

  it('maps subscription statuses onto retainer statuses', () => {
    const s = (status: Stripe.Subscription.Status) => retainerStatusOf({ status });
    expect([s('active'), s('trialing'), s('past_due'), s('unpaid'), s('incomplete'), s('canceled'), s('incomplete_expired')]).toEqual([
      'active',
      'active',
      'past_due',
      'past_due',
      'incomplete',
      'canceled',
      'canceled',
    ]);
  });
});
