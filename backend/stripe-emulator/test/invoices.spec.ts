import Stripe from 'stripe';
import { Env, expectStripeError, startEnv } from './helpers';

describe('stripe emulator: invoices and invoice items', () => {
  let env: Env;
  let stripe: Stripe;
  beforeAll(async () => {
    env = await startEnv();
    stripe = env.stripe;
  });
  afterAll(() => env.close());

  async function draft(amounts: number[], extra: Partial<Stripe.InvoiceCreateParams> = {}) {
    const cus = await stripe.customers.create({ email: 'billing@brand.example', name: 'Brand Co' });
    const inv = await stripe.invoices.create({
      customer: cus.id,
      collection_method: 'send_invoice',
      days_until_due: 14,
      metadata: { paymentId: 'pay_inv' },
      ...extra,
    });
    for (const a of amounts) await stripe.invoiceItems.create({ customer: cus.id, invoice: inv.id, amount: a, currency: 'usd', description: `Milestone ${a}` });
    return { cus, inv: await stripe.invoices.retrieve(inv.id) };
  }

  it('draft → finalize → hosted page and PDF → pay out of band', async () => {
    const { inv } = await draft([30000, 20000]);
    expect(inv.status).toBe('draft');
    expect(inv.total).toBe(50000);
    expect(inv.lines.data).toHaveLength(2);
    const fin = await stripe.invoices.finalizeInvoice(inv.id);
    expect(fin.status).toBe('open');
    expect(fin.number).toMatch(/^EMU/);
    expect(fin.due_date).toBeGreaterThan(fin.created + 13 * 86400);
    expect(fin.hosted_invoice_url).toContain('/invoice/');
    const page = await fetch(fin.hosted_invoice_url!);
    expect(await page.text()).toContain('Milestone 30000');
    const pdf = await fetch(fin.invoice_pdf!);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const bytes = Buffer.from(await pdf.arrayBuffer());
    expect(bytes.subarray(0, 8).toString()).toBe('%PDF-1.4');
    expect(bytes.toString('latin1')).toContain('%%EOF');
    const sent = await stripe.invoices.sendInvoice(inv.id);
    expect(sent.status).toBe('open');
    const paid = await stripe.invoices.pay(inv.id, { paid_out_of_band: true });
    expect(paid.status).toBe('paid');
    await env.emu.flushWebhooks();
    const types = env.receiver
      .events()
      .filter((e) => (e.data.object as Stripe.Invoice).id === inv.id)
      .map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['invoice.created', 'invoice.finalized', 'invoice.sent', 'invoice.paid', 'invoice.payment_succeeded']));
    const ev = env.receiver.events('invoice.paid').find((e) => (e.data.object as Stripe.Invoice).id === inv.id)!;
    expect((ev.data.object as Stripe.Invoice).metadata?.paymentId).toBe('pay_inv');
  });

  it('payer pays on the hosted page with a test card', async () => {
    const { inv } = await draft([15000]);
    const fin = await stripe.invoices.finalizeInvoice(inv.id);
    const token = new URL(fin.hosted_invoice_url!).pathname.split('/')[2];
    const declined = await fetch(`${env.emu.url}/invoice/${token}/pay`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ card_number: '4000 0000 0000 0002', exp: '12 / 34', cvc: '123' }).toString(),
    });
    expect(declined.status).toBe(402);
    expect(await declined.text()).toContain('Your card was declined.');
    const ok = await fetch(`${env.emu.url}/invoice/${token}/pay`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ card_number: '4242 4242 4242 4242', exp: '12 / 34', cvc: '123' }).toString(),
    });
    expect(ok.status).toBe(302);
    const after = await stripe.invoices.retrieve(inv.id, { expand: ['payments'] });
    expect(after.status).toBe('paid');
    expect(after.amount_paid).toBe(15000);
    expect(after.attempt_count).toBe(2); // one decline, one success
    const piId = after.payments!.data[0].payment.payment_intent as string;
    expect((await stripe.paymentIntents.retrieve(piId)).status).toBe('succeeded');
    await env.emu.flushWebhooks();
    expect(env.receiver.events('invoice.payment_failed').some((e) => (e.data.object as Stripe.Invoice).id === inv.id)).toBe(true);
    expect(env.receiver.events('invoice.paid').some((e) => (e.data.object as Stripe.Invoice).id === inv.id)).toBe(true);
  });

  it('charge_automatically with a payment method: success and failure', async () => {
    const cus = await stripe.customers.create({ payment_method: 'pm_card_visa' });
    const pms = await stripe.customers.listPaymentMethods(cus.id);
    await stripe.customers.update(cus.id, { invoice_settings: { default_payment_method: pms.data[0].id } });
    const inv = await stripe.invoices.create({ customer: cus.id, collection_method: 'charge_automatically', auto_advance: false });
    await stripe.invoiceItems.create({ customer: cus.id, invoice: inv.id, amount: 8000, currency: 'usd' });
    await stripe.invoices.finalizeInvoice(inv.id);
    const paid = await stripe.invoices.pay(inv.id);
    expect(paid.status).toBe('paid');
    const again = await expectStripeError(stripe.invoices.pay(inv.id));
    expect(again.statusCode).toBe(400);

    const inv2 = await stripe.invoices.create({ customer: cus.id });
    await stripe.invoiceItems.create({ customer: cus.id, invoice: inv2.id, amount: 8000, currency: 'usd' });
    await stripe.invoices.finalizeInvoice(inv2.id);
    const pm341 = await stripe.paymentMethods.create({ type: 'card', card: { number: '4000000000000341', exp_month: 1, exp_year: 2040 } });
    await stripe.paymentMethods.attach(pm341.id, { customer: cus.id });
    const err = await expectStripeError(stripe.invoices.pay(inv2.id, { payment_method: pm341.id }));
    expect(err.statusCode).toBe(402);
    const open = await stripe.invoices.retrieve(inv2.id);
    expect(open.status).toBe('open');
    expect(open.attempt_count).toBe(1);
    const voided = await stripe.invoices.voidInvoice(inv2.id);
    expect(voided.status).toBe('void');
    await env.emu.flushWebhooks();
    expect(env.receiver.events('invoice.payment_failed').some((e) => (e.data.object as Stripe.Invoice).id === inv2.id)).toBe(true);
    expect(env.receiver.events('invoice.voided').some((e) => (e.data.object as Stripe.Invoice).id === inv2.id)).toBe(true);
  });

  it('validation: send_invoice needs days_until_due; only drafts take items; items list and delete', async () => {
    const cus = await stripe.customers.create({});
    const e = await expectStripeError(stripe.invoices.create({ customer: cus.id, collection_method: 'send_invoice' }));
    expect(e.statusCode).toBe(400);
    const { inv, cus: c2 } = await draft([1000]);
    await stripe.invoices.finalizeInvoice(inv.id);
    const late = await expectStripeError(stripe.invoiceItems.create({ customer: c2.id, invoice: inv.id, amount: 5, currency: 'usd' }));
    expect(late.statusCode).toBe(400);
    const items = await stripe.invoiceItems.list({ invoice: inv.id });
    expect(items.data).toHaveLength(1);
    const d = await draft([1000, 2000]);
    await stripe.invoiceItems.del(d.inv.lines.data[0].parent!.invoice_item_details!.invoice_item);
    expect((await stripe.invoices.retrieve(d.inv.id)).total).toBe(2000);
    const delInv = await stripe.invoices.del(d.inv.id);
    expect(delInv.deleted).toBe(true);
  });
});
