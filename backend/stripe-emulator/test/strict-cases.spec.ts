import Stripe from 'stripe';
import { startStripeEmulator, StripeEmulator } from '../src';

/** The bad requests from issue 13, Stripe's other parameter rules, and test-mode payment method shorthands. */

let emu: StripeEmulator;
let stripe: Stripe;
beforeAll(async () => {
  emu = await startStripeEmulator({ port: 0, logger: () => undefined });
  stripe = new Stripe(emu.secretKey, { ...emu.sdkOptions(), maxNetworkRetries: 0 });
});
afterAll(() => emu.close());

interface Err {
  type: string;
  code?: string;
  param?: string;
  message: string;
}
async function post(path: string, form: string): Promise<{ status: number; error?: Err }> {
  const res = await fetch(`${emu.url}${path}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${emu.secretKey}`, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: form,
  });
  const body = (await res.json()) as { error?: Err };
  return { status: res.status, error: body.error };
}

describe('Stripe parameter rules', () => {
  it.each([
    ['/v1/payment_intents', 'amount=500&currency=usd&foo=bar', 'parameter_unknown', 'foo', 'Received unknown parameter: foo'],
    [
      '/v1/payment_intents',
      'amount=500&currency=usd&automatic_payment_methods[enabld]=true',
      'parameter_unknown',
      'automatic_payment_methods[enabld]',
      'Received unknown parameter: automatic_payment_methods[enabld]',
    ],
    ['/v1/payment_intents', 'amount=5.00&currency=usd', 'parameter_invalid_integer', 'amount', 'Invalid integer: 5.00'],
    [
      '/v1/payment_intents',
      'amount=500&currency=xyz',
      undefined,
      'currency',
      /^Invalid currency: xyz\. Stripe currently supports these currencies: .*\busd\b.*\bjpy\b/,
    ],
    [
      '/v1/payment_intents',
      'amount=500&currency=usd&capture_method=later',
      undefined,
      'capture_method',
      'Invalid capture_method: must be one of automatic, automatic_async, or manual',
    ],
    ['/v1/payment_intents', 'amount=&currency=usd', 'parameter_missing', 'amount', 'Missing required param: amount.'],
    ['/v1/payment_intents', 'amount=500&currency=usd&customer=', 'parameter_invalid_empty', 'customer', /^You passed an empty string for 'customer'/],
    ['/v1/payment_intents', 'amount=500&currency=usd&automatic_payment_methods=yes', undefined, 'automatic_payment_methods', 'Invalid hash'],
    ['/v1/payment_intents', 'amount=500&currency=usd&allowed_payment_method_types=card', undefined, 'allowed_payment_method_types', 'Invalid array'],
    ['/v1/refunds', 'payment_intent=pi_x&reason=bogus', undefined, 'reason', 'Invalid reason: must be one of duplicate, fraudulent, or requested_by_customer'],
    ['/v1/accounts', 'type=express&capabilities[transfers][requested]=maybe', undefined, 'capabilities[transfers][requested]', 'Invalid boolean: maybe'],
    [
      '/v1/accounts',
      'type=express&settings[payouts][schedule][interval]=hourly',
      undefined,
      'settings[payouts][schedule][interval]',
      /must be one of daily, manual, monthly, or weekly|must be one of manual, daily, monthly, or weekly/,
    ],
    ['/v1/customers', 'expand=email', undefined, 'expand', 'Invalid array'],
    [
      '/v1/payment_intents',
      'amount=500&currency=usd&payment_method_types[]=cardd',
      undefined,
      'payment_method_types[0]',
      /^Invalid payment_method_types\[0\]: must be one of /,
    ],
    [
      '/v1/payment_intents',
      'amount=500&currency=usd&shipping[name]=J&shipping[address][lin1]=x',
      'parameter_unknown',
      'shipping[address][lin1]',
      'Received unknown parameter: shipping[address][lin1]',
    ],
    [
      '/v1/payment_intents',
      'amount=500&currency=usd&shipping[address][line1]=x',
      'parameter_missing',
      'shipping[name]',
      'Missing required param: shipping[name].',
    ],
    [
      '/v1/payment_intents',
      'amount=500&currency=usd&payment_method_options[card][request_three_d_secure]=any',
      'parameter_unsupported_by_emulator',
      'payment_method_options',
      /does not implement payment_method_options/,
    ],
  ])('POST %s %s → 400 %s on %s', async (path, form, code, param, message) => {
    const r = await post(path, form);
    expect(r.status).toBe(400);
    expect(r.error).toMatchObject({ type: 'invalid_request_error', param });
    expect(r.error!.code).toBe(code);
    expect(r.error!.message).toMatch(message);
  });

  it('reports an unknown parameter before a missing one', async () => {
    const r = await post('/v1/payment_intents', 'foo=bar');
    expect(r.error).toMatchObject({ code: 'parameter_unknown', param: 'foo' });
  });

  it('validates GET query parameters too', async () => {
    const res = await fetch(`${emu.url}/v1/charges?limit=ten&zz=1`, { headers: { Authorization: `Bearer ${emu.secretKey}` } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: Err }).error).toMatchObject({ code: 'parameter_unknown', param: 'zz' });
  });

  it("applies Stripe's metadata limits: 50 keys, keys up to 40 characters, values up to 500", async () => {
    const many = Array.from({ length: 51 }, (_, i) => `metadata[k${i}]=v`).join('&');
    expect((await post('/v1/customers', many)).error).toMatchObject({ param: 'metadata' });
    expect((await post('/v1/customers', `metadata[${'k'.repeat(41)}]=v`)).error).toMatchObject({ param: `metadata[${'k'.repeat(41)}]` });
    expect((await post('/v1/customers', `metadata[k]=${'v'.repeat(501)}`)).error).toMatchObject({ param: 'metadata[k]' });
    expect((await post('/v1/customers', 'metadata[a][b]=c')).error).toMatchObject({ param: 'metadata[a]' });
    expect((await post('/v1/customers', `metadata[${'k'.repeat(40)}]=${'v'.repeat(500)}`)).status).toBe(200);
  });

  it('accepts what the SDK sends for a valid request, with expand and nested hashes', async () => {
    const pi = await stripe.paymentIntents.create({
      amount: 1500,
      currency: 'EUR',
      automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
      metadata: { order: '42' },
      expand: ['customer'],
    });
    expect(pi.currency).toBe('eur');
  });
});

describe('test-mode payment method shorthands', () => {
  it('work for payment intents (create and confirm), setup intents and attach', async () => {
    const pi = await stripe.paymentIntents.create({
      amount: 2000,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      confirm: true,
      automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
    });
    expect(pi.status).toBe('succeeded');
    const pi2 = await stripe.paymentIntents.create({ amount: 2000, currency: 'usd', allowed_payment_method_types: ['card'] });
    expect((await stripe.paymentIntents.confirm(pi2.id, { payment_method: 'pm_card_mastercard' })).status).toBe('succeeded');
    await expect(
      stripe.paymentIntents.create({
        amount: 2000,
        currency: 'usd',
        payment_method: 'pm_card_chargeDeclined',
        confirm: true,
        allowed_payment_method_types: ['card'],
      }),
    ).rejects.toMatchObject({
      code: 'card_declined',
    });

    const customer = await stripe.customers.create({ name: 'Shorthands' });
    const si = await stripe.setupIntents.create({
      customer: customer.id,
      payment_method: 'pm_card_visa',
      confirm: true,
      allowed_payment_method_types: ['card'],
    });
    expect(si.status).toBe('succeeded');
    const attached = await stripe.paymentMethods.attach('pm_card_bypassPending', { customer: customer.id });
    expect(attached.customer).toBe(customer.id);
  });

  it('name the attached card as a customer, subscription or invoice default (as in Stripe fixtures)', async () => {
    const customer = await stripe.customers.create({ payment_method: 'pm_card_visa', invoice_settings: { default_payment_method: 'pm_card_visa' } });
    expect(customer.invoice_settings.default_payment_method).toMatch(/^pm_1/);
    const product = await stripe.products.create({ name: 'Retainer' });
    const sub = await stripe.subscriptions.create({
      customer: customer.id,
      default_payment_method: 'pm_card_visa',
      items: [{ price_data: { currency: 'usd', product: product.id, unit_amount: 5000, recurring: { interval: 'month' } } }],
    });
    expect(sub.default_payment_method).toBe(customer.invoice_settings.default_payment_method);
    expect(sub.status).toBe('active');

    await stripe.invoiceItems.create({ customer: customer.id, amount: 3000, currency: 'usd' });
    const inv = await stripe.invoices.create({ customer: customer.id, pending_invoice_items_behavior: 'include' });
    await stripe.invoices.finalizeInvoice(inv.id);
    expect((await stripe.invoices.pay(inv.id, { payment_method: 'pm_card_mastercard' })).status).toBe('paid');
  });
});
