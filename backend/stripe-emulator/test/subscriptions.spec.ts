import Stripe from 'stripe';
import { control, Env, expectStripeError, startEnv } from './helpers';

/** Monthly retainers: products, prices, subscriptions, renewals driven by the advance_period control endpoint. */
describe('stripe emulator: products, prices and subscriptions', () => {
  let env: Env;
  let stripe: Stripe;
  let product: Stripe.Product;
  beforeAll(async () => {
    env = await startEnv();
    stripe = env.stripe;
    product = await stripe.products.create({ name: 'CollabPay retainer', metadata: { kind: 'retainer' } });
  });
  afterAll(() => env.close());

  async function customerWith(card = 'pm_card_visa'): Promise<{ customer: Stripe.Customer; pm: string }> {
    const customer = await stripe.customers.create({ email: 'brand@example.com', name: 'Brand Co', payment_method: card });
    const pm = (await stripe.customers.listPaymentMethods(customer.id)).data[0].id;
    await stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: pm } });
    return { customer, pm };
  }

  async function retainer(customer: string, extra: Partial<Stripe.SubscriptionCreateParams> = {}): Promise<Stripe.Subscription> {
    return stripe.subscriptions.create({
      customer,
      items: [{ price_data: { currency: 'usd', product: product.id, unit_amount: 50000, recurring: { interval: 'month' } } }],
      metadata: { collaborationId: 'collab_42', kind: 'retainer' },
      expand: ['latest_invoice.payments'],
      ...extra,
    });
  }

  /** webhook events (verified with constructEvent) whose object belongs to this subscription */
  function eventsFor(subId: string, type?: string): Stripe.Event[] {
    return env.receiver.events(type).filter((e) => {
      const o = e.data.object as { id?: string; object?: string; parent?: Stripe.Invoice.Parent | null };
      return o.id === subId || (o.object === 'invoice' && o.parent?.subscription_details?.subscription === subId);
    });
  }

  it('products and prices: create, retrieve, update, list', async () => {
    const got = await stripe.products.retrieve(product.id);
    expect(got.name).toBe('CollabPay retainer');
    expect(got.metadata.kind).toBe('retainer');
    const price = await stripe.prices.create({
      product: product.id,
      currency: 'eur',
      unit_amount: 12000,
      recurring: { interval: 'month' },
      lookup_key: 'retainer_eur',
    });
    expect(price.type).toBe('recurring');
    expect(price.recurring).toMatchObject({ interval: 'month', interval_count: 1, usage_type: 'licensed' });
    expect((await stripe.prices.retrieve(price.id, { expand: ['product'] })).product).toMatchObject({ id: product.id, object: 'product' });
    const once = await stripe.prices.create({ currency: 'usd', unit_amount: 900, product_data: { name: 'One-off' } });
    expect(once.type).toBe('one_time');
    const listed = await stripe.prices.list({ lookup_keys: ['retainer_eur'] });
    expect(listed.data.map((p) => p.id)).toEqual([price.id]);
    const updated = await stripe.prices.update(price.id, { nickname: 'Monthly EUR', metadata: { tier: 'a' } });
    expect(updated.nickname).toBe('Monthly EUR');
    const missing = await expectStripeError(stripe.prices.create({ currency: 'usd', unit_amount: 100, product: 'prod_nope' }));
    expect(missing.statusCode).toBe(404);
    const { customer } = await customerWith();
    const oneTime = await expectStripeError(stripe.subscriptions.create({ customer: customer.id, items: [{ price: once.id }] }));
    expect(oneTime.message).toContain('type=recurring');
  });

  it('create → first invoice finalized and paid at once; metadata on the invoice where Stripe puts it', async () => {
    const { customer, pm } = await customerWith();
    const sub = await retainer(customer.id);
    expect(sub.status).toBe('active');
    expect(sub.metadata).toEqual({ collaborationId: 'collab_42', kind: 'retainer' });
    const item = sub.items.data[0];
    expect(item.price.unit_amount).toBe(50000);
    expect(item.price.product).toBe(product.id);
    expect(item.current_period_start).toBe(sub.start_date);
    expect(item.current_period_end - item.current_period_start).toBeGreaterThanOrEqual(28 * 86400);
    const inv = sub.latest_invoice as Stripe.Invoice;
    expect(inv.status).toBe('paid');
    expect(inv.billing_reason).toBe('subscription_create');
    expect(inv.amount_paid).toBe(50000);
    expect(inv.parent?.subscription_details).toEqual({ subscription: sub.id, metadata: { collaborationId: 'collab_42', kind: 'retainer' } });
    expect(inv.lines.data[0].period).toEqual({ start: item.current_period_start, end: item.current_period_end });
    expect(inv.lines.data[0].parent?.subscription_item_details?.subscription_item).toBe(item.id);
    expect(inv.lines.data[0].metadata.collaborationId).toBe('collab_42');
    const piId = inv.payments!.data[0].payment.payment_intent as string;
    const pi = await stripe.paymentIntents.retrieve(piId);
    expect(pi.status).toBe('succeeded');
    expect(pi.payment_method).toBe(pm);
    expect(pi.description).toBe('Subscription creation');

    const got = await stripe.subscriptions.retrieve(sub.id, { expand: ['items.data.price.product', 'customer'] });
    expect((got.items.data[0].price.product as Stripe.Product).name).toBe('CollabPay retainer');
    expect((got.customer as Stripe.Customer).id).toBe(customer.id);
    expect((await stripe.invoices.list({ subscription: sub.id })).data.map((i) => i.id)).toEqual([inv.id]);

    await env.emu.flushWebhooks();
    const types = eventsFor(sub.id).map((e) => e.type);
    expect(types).toEqual(
      expect.arrayContaining(['customer.subscription.created', 'invoice.created', 'invoice.finalized', 'invoice.paid', 'invoice.payment_succeeded']),
    );
    expect((eventsFor(sub.id, 'customer.subscription.created')[0].data.object as Stripe.Subscription).status).toBe('active');
    const paid = eventsFor(sub.id, 'invoice.paid')[0].data.object as Stripe.Invoice;
    expect(paid.parent?.subscription_details?.metadata?.collaborationId).toBe('collab_42');
    expect(env.receiver.events('payment_intent.succeeded').some((e) => (e.data.object as Stripe.PaymentIntent).id === piId)).toBe(true);
  });

  it('advance twice → two more paid invoices with distinct, consecutive periods', async () => {
    const { customer } = await customerWith();
    const sub = await retainer(customer.id);
    const first = sub.items.data[0];
    const r1 = (await control(env.emu, `subscriptions/${sub.id}/advance_period`)) as { subscription: Stripe.Subscription; invoice: Stripe.Invoice };
    const r2 = await env.emu.advanceSubscription(sub.id);
    expect(r1.invoice.id).not.toBe(r2.invoice!.id);
    for (const inv of [r1.invoice, r2.invoice!]) {
      expect(inv.status).toBe('paid');
      expect(inv.billing_reason).toBe('subscription_cycle');
      expect(inv.amount_paid).toBe(50000);
      expect(inv.parent?.subscription_details?.subscription).toBe(sub.id);
      expect(inv.parent?.subscription_details?.metadata?.collaborationId).toBe('collab_42');
    }
    const p1 = r1.invoice.lines.data[0].period;
    const p2 = r2.invoice!.lines.data[0].period;
    expect(p1.start).toBe(first.current_period_end);
    expect(p2.start).toBe(p1.end);
    expect(p2.end).toBeGreaterThan(p2.start);
    // Stripe's quirk: the invoice's own period_start/end is the period that just ended
    expect(r1.invoice.period_start).toBe(first.current_period_start);
    expect(r1.invoice.period_end).toBe(first.current_period_end);

    const now = await stripe.subscriptions.retrieve(sub.id);
    expect(now.status).toBe('active');
    expect(now.latest_invoice).toBe(r2.invoice!.id);
    expect(now.items.data[0].current_period_start).toBe(p2.start);
    expect(now.items.data[0].current_period_end).toBe(p2.end);
    const invoices = await stripe.invoices.list({ subscription: sub.id });
    expect(invoices.data).toHaveLength(3);
    expect(new Set(invoices.data.map((i) => i.lines.data[0].period.start)).size).toBe(3);
    const renewalPi = await stripe.paymentIntents.retrieve(r2.invoice!.payments!.data[0].payment.payment_intent as string);
    expect(renewalPi.description).toBe('Subscription update');

    await env.emu.flushWebhooks();
    const paid = eventsFor(sub.id, 'invoice.paid').map((e) => e.data.object as Stripe.Invoice);
    expect(paid.map((i) => i.billing_reason)).toEqual(expect.arrayContaining(['subscription_create', 'subscription_cycle', 'subscription_cycle']));
    expect(paid).toHaveLength(3);
    expect(eventsFor(sub.id, 'invoice.payment_succeeded')).toHaveLength(3);
    const updates = eventsFor(sub.id, 'customer.subscription.updated');
    expect(updates.length).toBeGreaterThanOrEqual(2);
    expect(updates[0].data.previous_attributes).toHaveProperty('items');
  });

  it('a declined default card on renewal → invoice.payment_failed, past_due; paying later → active', async () => {
    const { customer } = await customerWith();
    const sub = await retainer(customer.id);
    const bad = await stripe.paymentMethods.create({ type: 'card', card: { number: '4000000000000341', exp_month: 12, exp_year: 2040 } });
    await stripe.paymentMethods.attach(bad.id, { customer: customer.id });
    await stripe.subscriptions.update(sub.id, { default_payment_method: bad.id });
    const { invoice, subscription } = await env.emu.advanceSubscription(sub.id);
    expect(invoice!.status).toBe('open');
    expect(invoice!.attempt_count).toBe(1);
    expect(invoice!.next_payment_attempt).toBeGreaterThan(invoice!.created);
    expect(subscription.status).toBe('past_due');
    expect((await stripe.subscriptions.retrieve(sub.id)).status).toBe('past_due');
    expect((await stripe.subscriptions.list({ customer: customer.id, status: 'past_due' })).data.map((s) => s.id)).toEqual([sub.id]);

    await env.emu.flushWebhooks();
    const failed = eventsFor(sub.id, 'invoice.payment_failed');
    expect(failed).toHaveLength(1);
    const failedInv = failed[0].data.object as Stripe.Invoice;
    expect(failedInv.billing_reason).toBe('subscription_cycle');
    expect(failedInv.parent?.subscription_details?.metadata?.collaborationId).toBe('collab_42');
    const piId = failedInv.payments!.data[0].payment.payment_intent as string;
    expect(env.receiver.events('payment_intent.payment_failed').some((e) => (e.data.object as Stripe.PaymentIntent).id === piId)).toBe(true);
    const toPastDue = eventsFor(sub.id, 'customer.subscription.updated').find((e) => (e.data.object as Stripe.Subscription).status === 'past_due');
    expect(toPastDue?.data.previous_attributes).toMatchObject({ status: 'active' });

    // the company fixes its card and the open invoice is paid
    const good = await stripe.paymentMethods.create({ type: 'card', card: { number: '4242424242424242', exp_month: 12, exp_year: 2040 } });
    await stripe.paymentMethods.attach(good.id, { customer: customer.id });
    await stripe.subscriptions.update(sub.id, { default_payment_method: good.id });
    const paid = await stripe.invoices.pay(invoice!.id);
    expect(paid.status).toBe('paid');
    expect((await stripe.subscriptions.retrieve(sub.id)).status).toBe('active');
  });

  it('failed renewal retries (Smart Retries stand-in) and cancels the subscription when all fail', async () => {
    const { customer } = await customerWith('pm_card_chargeCustomerFail');
    const sub = await retainer(customer.id, { payment_behavior: 'allow_incomplete' });
    expect(sub.status).toBe('incomplete'); // the first payment failed too
    const declined = await expectStripeError(retainer(customer.id, { payment_behavior: 'error_if_incomplete' }));
    expect(declined.statusCode).toBe(402);

    const { customer: c2 } = await customerWith();
    const s2 = await retainer(c2.id);
    const bad = await stripe.paymentMethods.create({ type: 'card', card: { number: '4000000000000341', exp_month: 12, exp_year: 2040 } });
    await stripe.paymentMethods.attach(bad.id, { customer: c2.id });
    await stripe.customers.update(c2.id, { invoice_settings: { default_payment_method: bad.id } });
    const { invoice } = await env.emu.advanceSubscription(s2.id);
    expect((await stripe.subscriptions.retrieve(s2.id)).status).toBe('past_due');
    await env.emu.advanceTime(3 * 86400 * 1000);
    expect((await stripe.invoices.retrieve(invoice!.id)).attempt_count).toBe(2);
    // the incomplete one had 23 hours to be paid
    const expired = await stripe.subscriptions.retrieve(sub.id);
    expect(expired.status).toBe('incomplete_expired');
    expect((await stripe.invoices.retrieve(expired.latest_invoice as string)).status).toBe('void');
    await env.emu.advanceTime(30 * 86400 * 1000);
    const ended = await stripe.subscriptions.retrieve(s2.id);
    expect(ended.status).toBe('canceled');
    expect(ended.cancellation_details?.reason).toBe('payment_failed');
    expect((await stripe.invoices.retrieve(invoice!.id)).attempt_count).toBe(4);
    await env.emu.flushWebhooks();
    expect(eventsFor(s2.id, 'invoice.payment_failed')).toHaveLength(4);
    expect(eventsFor(s2.id, 'customer.subscription.deleted')).toHaveLength(1);
  });

  it('cancel_at_period_end → canceled at the next advance, no new invoice', async () => {
    const { customer } = await customerWith();
    const sub = await retainer(customer.id);
    const periodEnd = sub.items.data[0].current_period_end;
    const upd = await stripe.subscriptions.update(sub.id, { cancel_at_period_end: true, metadata: { note: 'ending' } });
    expect(upd.cancel_at_period_end).toBe(true);
    expect(upd.cancel_at).toBe(periodEnd);
    expect(upd.canceled_at).not.toBeNull();
    expect(upd.status).toBe('active');
    const { subscription, invoice } = await env.emu.advanceSubscription(sub.id);
    expect(invoice).toBeNull();
    expect(subscription.status).toBe('canceled');
    expect(subscription.ended_at).toBe(periodEnd);
    expect((await stripe.invoices.list({ subscription: sub.id })).data).toHaveLength(1);
    // canceled subscriptions leave the default list
    expect((await stripe.subscriptions.list({ customer: customer.id })).data).toHaveLength(0);
    expect((await stripe.subscriptions.list({ customer: customer.id, status: 'canceled' })).data).toHaveLength(1);
    const again = await expectStripeError(stripe.subscriptions.update(sub.id, { cancel_at_period_end: false }));
    expect(again.statusCode).toBe(400);
    await expect(control(env.emu, `subscriptions/${sub.id}/advance_period`)).rejects.toThrow(/ended/);

    await env.emu.flushWebhooks();
    const updated = eventsFor(sub.id, 'customer.subscription.updated').find((e) => (e.data.object as Stripe.Subscription).cancel_at_period_end);
    expect(updated?.data.previous_attributes).toMatchObject({ cancel_at_period_end: false });
    const del = eventsFor(sub.id, 'customer.subscription.deleted');
    expect(del).toHaveLength(1);
    expect((del[0].data.object as Stripe.Subscription).metadata).toMatchObject({ collaborationId: 'collab_42', note: 'ending' });
  });

  it('cancel immediately (DELETE), list filters, default_incomplete + confirmation_secret, send_invoice', async () => {
    const { customer } = await customerWith();
    const a = await retainer(customer.id);
    const canceled = await stripe.subscriptions.cancel(a.id, { cancellation_details: { comment: 'brand paused the campaign' } });
    expect(canceled.status).toBe('canceled');
    expect(canceled.cancellation_details).toMatchObject({ reason: 'cancellation_requested', comment: 'brand paused the campaign' });
    expect((await expectStripeError(stripe.subscriptions.cancel(a.id))).statusCode).toBe(400);

    // default_incomplete: the client pays the first invoice with its confirmation secret
    const fresh = await stripe.customers.create({ email: 'new@brand.example' });
    const b = await retainer(fresh.id, { payment_behavior: 'default_incomplete', expand: ['latest_invoice.confirmation_secret', 'latest_invoice.payments'] });
    expect(b.status).toBe('incomplete');
    const inv = b.latest_invoice as Stripe.Invoice;
    expect(inv.status).toBe('open');
    expect(inv.confirmation_secret?.client_secret).toMatch(/_secret_/);
    const piId = inv.payments!.data[0].payment.payment_intent as string;
    await stripe.paymentIntents.confirm(piId, { payment_method: 'pm_card_visa' });
    expect((await stripe.subscriptions.retrieve(b.id)).status).toBe('active');
    await expect(control(env.emu, 'subscriptions/sub_missing/advance_period')).rejects.toThrow(/No such subscription/);

    // send_invoice: active at once, the invoice waits for the payer
    const c = await retainer(fresh.id, { collection_method: 'send_invoice', days_until_due: 14 });
    expect(c.status).toBe('active');
    const cInv = c.latest_invoice as Stripe.Invoice;
    expect(cInv.status).toBe('open');
    expect(cInv.due_date).toBeGreaterThan(cInv.created + 13 * 86400);
    expect(cInv.hosted_invoice_url).toContain('/invoice/');

    const mine = await stripe.subscriptions.list({ customer: fresh.id });
    expect(mine.data.map((s) => s.id).sort()).toEqual([b.id, c.id].sort());
    const all = await stripe.subscriptions.list({ status: 'all', limit: 100 });
    expect(all.data.map((s) => s.id)).toEqual(expect.arrayContaining([a.id, b.id, c.id]));
    const noPm = await expectStripeError(retainer(fresh.id, { default_payment_method: 'pm_unknown' }));
    expect(noPm.statusCode).toBe(400);
  });
});
