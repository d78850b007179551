import Stripe from 'stripe';
import { control, Env, expectStripeError, startEnv } from './helpers';

/**
 * What the `stripe trigger` fixtures rely on, driven through the real SDK: each emulator behaviour the CLI test
 * (stripe-cli.spec.ts) needs, with its bad case.
 */
describe('stripe emulator: behaviours the Stripe CLI fixtures rely on', () => {
  let env: Env;
  let stripe: Stripe;
  beforeAll(async () => {
    env = await startEnv();
    stripe = env.stripe;
  });
  afterAll(() => env.close());

  async function eventTypesFor(id: string): Promise<string[]> {
    await env.emu.flushWebhooks();
    return env.receiver
      .events()
      .filter((e) => (e.data.object as { id?: string }).id === id)
      .map((e) => e.type);
  }

  async function draftFor(pm: string) {
    const cus = await stripe.customers.create({ description: 'cli' });
    const attached = await stripe.paymentMethods.attach(pm, { customer: cus.id });
    await stripe.invoiceItems.create({ customer: cus.id, amount: 2000, currency: 'usd' });
    const inv = await stripe.invoices.create({ customer: cus.id, pending_invoice_items_behavior: 'include' });
    expect(inv.status).toBe('draft');
    return { cus, pm: attached, inv };
  }

  describe('paying a draft invoice finalizes it first', () => {
    it('succeeds: finalized (numbered, open) then paid, invoice.finalized before invoice.paid', async () => {
      const { pm, inv } = await draftFor('pm_card_visa');
      const paid = await stripe.invoices.pay(inv.id, { payment_method: pm.id });
      expect(paid.status).toBe('paid');
      expect(paid.number).toMatch(/^EMU/);
      expect(paid.amount_paid).toBe(2000);
      expect(paid.status_transitions.finalized_at).not.toBeNull();
      const types = await eventTypesFor(inv.id);
      expect(types).toEqual(expect.arrayContaining(['invoice.finalized', 'invoice.paid', 'invoice.payment_succeeded']));
      expect(types.indexOf('invoice.finalized')).toBeLessThan(types.indexOf('invoice.paid'));
    });

    it('declined: 402 card_declined, the invoice is left open (finalized) with invoice.payment_failed', async () => {
      const { pm, inv } = await draftFor('pm_card_chargeCustomerFail');
      const err = await expectStripeError(stripe.invoices.pay(inv.id, { payment_method: pm.id }));
      expect(err.statusCode).toBe(402);
      expect(err.code).toBe('card_declined');
      const after = await stripe.invoices.retrieve(inv.id);
      expect(after.status).toBe('open');
      expect(after.attempt_count).toBe(1);
      expect(await eventTypesFor(inv.id)).toEqual(expect.arrayContaining(['invoice.finalized', 'invoice.payment_failed']));
    });

    it('no payment method at all: 400 and the draft stays a draft', async () => {
      const cus = await stripe.customers.create({ description: 'no pm' });
      await stripe.invoiceItems.create({ customer: cus.id, amount: 2000, currency: 'usd' });
      const inv = await stripe.invoices.create({ customer: cus.id, pending_invoice_items_behavior: 'include' });
      const err = await expectStripeError(stripe.invoices.pay(inv.id));
      expect(err.statusCode).toBe(400);
      expect((await stripe.invoices.retrieve(inv.id)).status).toBe('draft');
    });

    it('a void invoice still cannot be paid', async () => {
      const { pm, inv } = await draftFor('pm_card_visa');
      await stripe.invoices.finalizeInvoice(inv.id, { auto_advance: false });
      await stripe.invoices.voidInvoice(inv.id);
      const err = await expectStripeError(stripe.invoices.pay(inv.id, { payment_method: pm.id }));
      expect(err.code).toBe('invoice_not_open');
    });
  });

  describe('customer create with payment_method and invoice_settings.default_payment_method', () => {
    it('the default may name the test PaymentMethod the same request attaches', async () => {
      const cus = await stripe.customers.create({ payment_method: 'pm_card_visa', invoice_settings: { default_payment_method: 'pm_card_visa' } });
      const def = cus.invoice_settings.default_payment_method as string;
      expect(def).toMatch(/^pm_/);
      expect(def).not.toBe('pm_card_visa');
      const pm = await stripe.paymentMethods.retrieve(def);
      expect(pm.customer).toBe(cus.id);
      expect(pm.card?.last4).toBe('4242');
    });

    it('a default that is not attached to the new customer: 400, and no customer is left behind', async () => {
      const before = (await stripe.customers.list({ limit: 100 })).data.length;
      const err = await expectStripeError(
        stripe.customers.create({ payment_method: 'pm_card_visa', invoice_settings: { default_payment_method: 'pm_card_mastercard' } }),
      );
      expect(err.type).toBe('StripeInvalidRequestError');
      expect(err.param).toBe('invoice_settings[default_payment_method]');
      const other = await stripe.paymentMethods.create({ type: 'card', card: { token: 'tok_visa' } });
      const err2 = await expectStripeError(stripe.customers.create({ invoice_settings: { default_payment_method: other.id } }));
      expect(err2.statusCode).toBe(400);
      expect(err2.param).toBe('invoice_settings[default_payment_method]');
      expect((await stripe.paymentMethods.retrieve(other.id)).customer).toBeNull();
      expect((await stripe.customers.list({ limit: 100 })).data.length).toBe(before);
    });

    it('a card declined on attach: 402, and no customer is left behind', async () => {
      const before = (await stripe.customers.list({ limit: 100 })).data.length;
      const err = await expectStripeError(stripe.customers.create({ payment_method: 'pm_card_chargeDeclined' }));
      expect(err.statusCode).toBe(402);
      expect((await stripe.customers.list({ limit: 100 })).data.length).toBe(before);
    });
  });

  describe('account create without type or controller', () => {
    it('every controller property takes its default: a Standard account that can receive transfers', async () => {
      const acct = await stripe.accounts.create({});
      expect(acct.type).toBe('standard');
      expect(acct.controller?.stripe_dashboard?.type).toBe('full');
      expect(acct.capabilities?.transfers).toBe('active');
      await control(env.emu, 'balance/platform/add', { amount: '5000', currency: 'usd' });
      const tr = await stripe.transfers.create({ amount: 1000, currency: 'usd', destination: acct.id });
      expect(tr.destination).toBe(acct.id);
    });

    it('an Express account still cannot receive transfers before onboarding', async () => {
      const acct = await stripe.accounts.create({ type: 'express', capabilities: { transfers: { requested: true } } });
      expect(acct.capabilities?.transfers).toBe('inactive');
      const err = await expectStripeError(stripe.transfers.create({ amount: 100, currency: 'usd', destination: acct.id }));
      expect(err.code).toBe('insufficient_capabilities_for_transfer');
    });

    it('a bogus type is still refused', async () => {
      const err = await expectStripeError(stripe.accounts.create({ type: 'bogus' as Stripe.AccountCreateParams.Type }));
      expect(err.statusCode).toBe(400);
    });
  });

  describe('pm_card_createDisputeInquiry (4000 0000 0000 1976)', () => {
    it('the charge succeeds and is disputed as an inquiry: warning_needs_response, no funds withdrawn, still refundable', async () => {
      const pi = await stripe.paymentIntents.create({
        amount: 100,
        currency: 'usd',
        allowed_payment_method_types: ['card'],
        payment_method: 'pm_card_createDisputeInquiry',
        confirm: true,
      });
      expect(pi.status).toBe('succeeded');
      const [dp] = (await stripe.disputes.list({ payment_intent: pi.id })).data;
      expect(dp.status).toBe('warning_needs_response');
      expect(dp.balance_transactions).toEqual([]);
      expect(dp.is_charge_refundable).toBe(true);
      const types = await eventTypesFor(dp.id);
      expect(types).toContain('charge.dispute.created');
      expect(types).not.toContain('charge.dispute.funds_withdrawn');
      const re = await stripe.refunds.create({ payment_intent: pi.id });
      expect(re.status).toBe('succeeded');
    });

    it('pm_card_createDispute is still a chargeback: needs_response, funds withdrawn, refund refused', async () => {
      const pi = await stripe.paymentIntents.create({
        amount: 100,
        currency: 'usd',
        allowed_payment_method_types: ['card'],
        payment_method: 'pm_card_createDispute',
        confirm: true,
      });
      const [dp] = (await stripe.disputes.list({ payment_intent: pi.id })).data;
      expect(dp.status).toBe('needs_response');
      expect(dp.balance_transactions).toHaveLength(1);
      expect(await eventTypesFor(dp.id)).toContain('charge.dispute.funds_withdrawn');
      const err = await expectStripeError(stripe.refunds.create({ payment_intent: pi.id }));
      expect(err.code).toBe('charge_disputed');
    });

    it('closing an inquiry moves no money: warning_closed', async () => {
      const pi = await stripe.paymentIntents.create({
        amount: 100,
        currency: 'usd',
        allowed_payment_method_types: ['card'],
        payment_method: 'pm_card_createDisputeInquiry',
        confirm: true,
      });
      const [dp] = (await stripe.disputes.list({ payment_intent: pi.id })).data;
      const closed = (await control(env.emu, `disputes/${dp.id}/close`, { status: 'won' })) as Stripe.Dispute;
      expect(closed.status).toBe('warning_closed');
      expect(closed.balance_transactions).toEqual([]);
    });
  });
});
