/**
 * Billing in a real browser (Debian Chromium via playwright-core) against the built SPA served by a real Nest server
 * and the Stripe emulator: pay by invoice through the emulator's hosted invoice page (and void), saved cards through
 * the Stripe.js stand-in's Elements form (SetupIntent), one-click payment with a saved card, and a monthly retainer
 * (a Stripe subscription) moved to its next period with the emulator. Company and influencer side by side.
 */
import type { Browser, Locator, Page } from 'playwright-core';
import { createTestContext, type TestContext, type TestUser } from '../../backend/test/support/test-app';
import { proposeAndAccept } from '../../backend/test/support/flows';
import {
  type Actor,
  confirmIn,
  expectLive,
  expectStatus,
  expectText,
  expectToast,
  expectVisible,
  fillCard,
  launchBrowser,
  newActor,
  pickInfluencer,
  screenshot,
  signIn,
  spaEnv,
  until,
} from './support/browser';
import { fillCardIn } from './support/billing';

describe('billing in the browser: invoices, saved cards, retainers (company and influencer side by side)', () => {
  let ctx: TestContext;
  let browser: Browser;
  let company: Actor;
  let influencer: Actor;
  let c: TestUser;
  let i: TestUser;

  beforeAll(async () => {
    ctx = await createTestContext({ label: 'e2e-billing', env: spaEnv() });
    browser = await launchBrowser();
    company = await newActor(browser, ctx.baseUrl, 'company');
    influencer = await newActor(browser, ctx.baseUrl, 'influencer');
    c = await ctx.user('company', 'Acme Brands');
    i = await ctx.user('influencer', 'Jenny Rosen');
    await signIn(company.page, c.email);
    await signIn(influencer.page, i.email);
  });

  afterAll(async () => {
    await browser?.close();
    await ctx?.close();
  });

  /** The company proposes through the SPA form; returns the new collaboration's id. */
  async function propose(page: Page, input: { title: string; amount: string; monthly?: boolean }): Promise<string> {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'New proposal' }).click();
    await pickInfluencer(page, 'Jenny', /Jenny Rosen/);
    await page.getByLabel('Title', { exact: true }).fill(input.title);
    await page.getByLabel('Amount', { exact: true }).fill(input.amount);
    if (input.monthly) {
      await page.getByLabel('Monthly retainer').check();
      await expectVisible(page.getByText(/charged to your saved card every month/));
    }
    await page.getByRole('button', { name: 'Propose collaboration' }).click();
    await page.waitForURL(/\/collaborations\/[0-9a-f-]{36}$/);
    await expectStatus(page.getByTestId('collaboration-status'), 'PROPOSED');
    return page.url().split('/').pop()!;
  }

  /** The influencer accepts on the dashboard; the company's open collaboration page follows live. */
  async function acceptOnDashboard(collaborationId: string): Promise<void> {
    await influencer.page.goto('/dashboard');
    await influencer.page.getByTestId(`accept-${collaborationId}`).click();
    await expectToast(influencer, 'Proposal accepted');
    await expectStatus(company.page.getByTestId('collaboration-status'), 'ACCEPTED');
  }

  /** The invoice row on /billing for a collaboration (the row links to it). */
  function invoiceRow(page: Page, collaborationId: string): Locator {
    return page
      .getByTestId('invoice-table')
      .locator('tbody tr')
      .filter({ has: page.locator(`a[href="/collaborations/${collaborationId}"]`) });
  }

  async function retainerOf(collaborationId: string): Promise<{ id: string; stripeSubscriptionId: string }> {
    const res = await ctx.http.get('/api/retainers', { token: c.token });
    const r = (res.body.data as Array<{ id: string; collaborationId: string; stripeSubscriptionId: string }>).find(
      (x) => x.collaborationId === collaborationId,
    );
    if (!r) throw new Error(`no retainer for ${collaborationId}: ${JSON.stringify(res.body)}`);
    return r;
  }

  test('pay by invoice: open with hosted page and PDF links, paid on the hosted page → HELD live, released → wallet; a voided invoice gives card payment back', async () => {
    await expectLive(company.page);
    await expectLive(influencer.page);
    const collaborationId = await propose(company.page, { title: 'Invoice campaign', amount: '800.00' });
    await acceptOnDashboard(collaborationId);

    // --- pay by invoice from the collaboration page → /billing lists it open
    const options = company.page.getByTestId('pay-options');
    await expectVisible(options);
    await options.getByRole('button', { name: 'Pay by invoice' }).click();
    await confirmIn(company.page);
    await company.page.waitForURL('**/billing');
    await expectToast(company, /Invoice issued[\s\S]*is open/);
    const row = invoiceRow(company.page, collaborationId);
    await expectStatus(row.getByTestId('invoice-status'), 'OPEN');
    await expectText(row, /\$800\.00/);
    const hosted = row.getByRole('link', { name: 'Pay online' });
    const pdf = row.getByRole('link', { name: 'PDF' });
    const hostedUrl = (await hosted.getAttribute('href'))!;
    const pdfUrl = (await pdf.getAttribute('href'))!;
    expect(new URL(hostedUrl).origin).toBe(new URL(ctx.emulator.url).origin);
    expect(new URL(hostedUrl).pathname).toMatch(/^\/invoice\/[^/]+$/);
    const pdfRes = await fetch(pdfUrl);
    expect(pdfRes.status).toBe(200);
    expect(
      Buffer.from(await pdfRes.arrayBuffer())
        .subarray(0, 4)
        .toString('latin1'),
    ).toBe('%PDF');
    await screenshot(company.page, '30-billing-invoice-open');

    // while the invoice is open the collaboration page offers none of the other ways to pay (one click, a second invoice)
    await company.page.goto(`/collaborations/${collaborationId}`);
    await expectStatus(company.page.getByTestId('payment-status'), 'PENDING');
    expect(await company.page.getByTestId('pay-options').count()).toBe(0);
    // the card checkout (reachable by URL) refuses to start a second payment with the server's reason
    await company.page.goto(`/payments/checkout/${collaborationId}`);
    await expectText(company.page.getByRole('main'), /This collaboration is being paid by invoice/);
    expect(await company.page.getByLabel('Card number').count()).toBe(0);
    // and the server refuses a card payment on top of the open invoice
    const intent = await ctx.http.post('/api/payments/create-intent', { collaborationId }, { token: c.token });
    expect(intent.status).toBe(409);
    expect(intent.body.code).toBe('PAYMENT_BY_INVOICE');

    // --- the payer opens the hosted invoice page from /billing and pays it with 4242
    await company.page.goto('/billing');
    await influencer.page.goto(`/collaborations/${collaborationId}`);
    await expectStatus(influencer.page.getByTestId('payment-status'), 'PENDING');
    await expectLive(influencer.page);
    const [hostedPage] = await Promise.all([
      company.context.waitForEvent('page'),
      invoiceRow(company.page, collaborationId).getByRole('link', { name: 'Pay online' }).click(),
    ]);
    await hostedPage.waitForLoadState();
    expect(hostedPage.url()).toBe(hostedUrl);
    await expectText(hostedPage.getByRole('heading', { level: 1 }), /^Invoice \S+\s+open$/);
    await hostedPage.getByLabel('Card number').fill('4242 4242 4242 4242');
    await screenshot(hostedPage, '31-hosted-invoice');
    await hostedPage.getByRole('button', { name: 'Pay $800.00' }).click();
    await expectText(hostedPage.getByRole('status'), 'Invoice paid', 20_000);
    await hostedPage.close();

    // /billing (not reloaded) shows it paid live: well before its 10 s fallback poll of open invoices would
    await expectStatus(invoiceRow(company.page, collaborationId).getByTestId('invoice-status'), 'PAID', 5_000);
    // the influencer's collaboration page shows HELD live
    expect(await invoiceRow(company.page, collaborationId).getByRole('button', { name: 'Void' }).count()).toBe(0);
    await expectStatus(influencer.page.getByTestId('payment-status'), 'HELD', 20_000);
    await expectToast(influencer, 'Payment: Held in escrow');
    await screenshot(company.page, '32-billing-invoice-paid');

    // --- the company releases; the influencer's wallet shows the credit ($800.00 less the 10% fee)
    await company.page.goto(`/collaborations/${collaborationId}`);
    await expectStatus(company.page.getByTestId('payment-status'), 'HELD');
    await expectText(company.page.getByTestId('payment-held'), '$800.00');
    await influencer.page.goto('/wallet');
    await expectLive(influencer.page);
    await company.page.getByRole('button', { name: 'Release all' }).click();
    await company.page.getByRole('dialog', { name: 'Release all funds' }).getByTestId('confirm-action').click();
    await expectStatus(company.page.getByTestId('payment-status'), 'RELEASED');
    await expectText(influencer.page.getByTestId('wallet-available-usd'), '$720.00', 20_000);
    expect((await expectToast(influencer, /Wallet credited[\s\S]*\+\$720\.00/)).tone).toBe('success');

    // --- void path: a second invoice voided from /billing; the collaboration can be paid by card again
    const { collaboration } = await proposeAndAccept(ctx, c, i, { amount: 30000, title: 'Voided invoice' });
    await company.page.goto(`/collaborations/${collaboration.id}`);
    await company.page.getByTestId('pay-options').getByRole('button', { name: 'Pay by invoice' }).click();
    await confirmIn(company.page);
    await company.page.waitForURL('**/billing');
    const second = invoiceRow(company.page, collaboration.id);
    await expectStatus(second.getByTestId('invoice-status'), 'OPEN');
    await second.getByRole('button', { name: 'Void' }).click();
    await confirmIn(company.page);
    await expectStatus(second.getByTestId('invoice-status'), 'VOID');
    await expectToast(company, 'Invoice voided');
    expect(await second.getByRole('button', { name: 'Void' }).count()).toBe(0);
    expect(await second.getByRole('link', { name: 'Pay online' }).count()).toBe(0);
    await screenshot(company.page, '33-billing-invoice-void');
    // the first invoice stays paid
    await expectStatus(invoiceRow(company.page, collaborationId).getByTestId('invoice-status'), 'PAID');

    await company.page.goto(`/collaborations/${collaboration.id}`);
    await expectStatus(company.page.getByTestId('payment-status'), 'PENDING');
    await expectVisible(company.page.getByTestId('pay-options').getByRole('button', { name: 'Pay by invoice' }));
    await company.page.getByRole('button', { name: 'Pay now' }).click();
    await company.page.waitForURL(`**/payments/checkout/${collaboration.id}`);
    await expectText(company.page.getByTestId('checkout-amount'), '$300.00');
    await fillCard(company.page, '4242 4242 4242 4242');
    await company.page.getByRole('button', { name: 'Pay', exact: true }).click();
    await company.page.waitForURL(new RegExp(`/payments/result/${collaboration.id}\\?.*redirect_status=succeeded`));
    await expectStatus(company.page.getByTestId('payment-status'), 'HELD', 30_000);
  });

  test('saved cards: add through the Elements form (default), add a second and make it default, remove one; one-click payment with the saved card → HELD', async () => {
    await company.page.goto('/billing');
    const cards = company.page.getByRole('region', { name: 'Saved cards' });
    await expectVisible(cards.getByText(/No saved cards/));

    // --- first card: SetupIntent confirmed by the Stripe.js stand-in; the first card becomes the default
    await cards.getByRole('button', { name: 'Add a card' }).click();
    await fillCardIn(cards.getByRole('form', { name: 'Save a card' }), '4242 4242 4242 4242');
    await screenshot(company.page, '34-billing-add-card');
    await cards.getByRole('button', { name: 'Save card' }).click();
    await expectToast(company, 'Card saved');
    const list = cards.getByTestId('saved-cards');
    const visa = list.getByRole('listitem').filter({ hasText: '•••• 4242' });
    await expectText(visa, /^VISA •••• 4242\s*exp 12\/2034\s*default/);
    expect(await list.getByRole('listitem').count()).toBe(1);

    // --- second card: listed, not default; "Make default" moves the badge
    await cards.getByRole('button', { name: 'Add a card' }).click();
    await fillCardIn(cards.getByRole('form', { name: 'Save a card' }), '5555 5555 5555 4444');
    await cards.getByRole('button', { name: 'Save card' }).click();
    await expectToast(company, 'Card saved');
    const mc = list.getByRole('listitem').filter({ hasText: '•••• 4444' });
    await expectText(mc, /MASTERCARD •••• 4444/);
    await until(async () => (await list.getByRole('listitem').count()) === 2, 'two saved cards');
    expect(await mc.getByText('default', { exact: true }).count()).toBe(0);
    await expectText(visa, /default/);
    await mc.getByRole('button', { name: 'Make default' }).click();
    await expectText(mc, /MASTERCARD •••• 4444[\s\S]*default/);
    await until(async () => (await visa.getByText('default', { exact: true }).count()) === 0, 'the visa to lose the default badge');
    await expectVisible(visa.getByRole('button', { name: 'Make default' }));
    expect(await mc.getByRole('button', { name: 'Make default' }).count()).toBe(0);
    await screenshot(company.page, '35-billing-two-cards');

    // --- remove the visa (after confirmation); the server agrees
    await visa.getByRole('button', { name: 'Remove' }).click();
    await confirmIn(company.page);
    await until(async () => (await list.getByRole('listitem').count()) === 1, 'one saved card left');
    await expectText(list.getByRole('listitem'), /MASTERCARD •••• 4444[\s\S]*default/);
    const saved = await ctx.http.get('/api/billing/payment-methods', { token: c.token });
    expect(saved.body.data).toEqual([expect.objectContaining({ last4: '4444', isDefault: true })]);
    // still so after a reload
    await company.page.reload();
    await expectText(cards.getByTestId('saved-cards').getByRole('listitem'), /MASTERCARD •••• 4444[\s\S]*default/);

    // --- one click: a new collaboration paid with the saved card from its page
    const { collaboration } = await proposeAndAccept(ctx, c, i, { amount: 45000, title: 'One-click campaign' });
    await company.page.goto(`/collaborations/${collaboration.id}`);
    await influencer.page.goto(`/collaborations/${collaboration.id}`);
    await expectLive(influencer.page);
    await expectStatus(company.page.getByTestId('payment-status'), 'PENDING');
    const options = company.page.getByTestId('pay-options');
    const select = options.getByLabel('Saved card');
    // the default card is preselected, and the removed one is not offered
    await until(
      async () => (await select.evaluate((el: HTMLSelectElement) => el.selectedOptions[0]?.textContent)) === 'MASTERCARD •••• 4444',
      'the default card preselected',
    );
    expect(await select.locator('option').allTextContents()).toEqual(['MASTERCARD •••• 4444']);
    await options.getByRole('button', { name: 'Pay with saved card' }).click();
    await confirmIn(company.page);
    // the local 'Paid' and the live payment news share the payment's slot: whichever lands last shows
    await expectToast(company, /^Paid|^Payment: Held in escrow[\s\S]*\$450\.00/);
    await expectStatus(company.page.getByTestId('payment-status'), 'HELD', 20_000);
    await expectText(company.page.getByTestId('payment-held'), '$450.00');
    // the collaboration (which decides the pay options) refetches beside the payment: it follows within moments
    await until(async () => (await company.page.getByTestId('pay-options').count()) === 0, 'the pay options gone once HELD');
    expect(await company.page.getByRole('button', { name: 'Pay now' }).count()).toBe(0);
    await expectStatus(influencer.page.getByTestId('payment-status'), 'HELD', 20_000);
    const payment = await ctx.http.get(`/api/payments/collaboration/${collaboration.id}`, { token: c.token });
    expect(payment.body).toMatchObject({ status: 'HELD', amount: 45000 });
    const pi = await ctx.stripe.paymentIntents.retrieve(payment.body.stripePaymentIntentId, { expand: ['payment_method'] });
    expect(pi.status).toBe('succeeded');
    expect((pi.payment_method as { card?: { last4?: string } }).card?.last4).toBe('4444');
  });

  test('retainer: propose monthly, start on the saved card → month 1 HELD; the next period appears HELD live; release month 1; cancel at period end', async () => {
    const collaborationId = await propose(company.page, { title: 'Monthly content', amount: '500.00', monthly: true });
    await acceptOnDashboard(collaborationId);

    // --- start the retainer on the saved card → /billing shows month 1 (period 0) HELD
    const start = company.page.getByTestId('retainer-start');
    await expectVisible(start);
    await start.getByRole('button', { name: 'Start retainer on saved card' }).click();
    await confirmIn(company.page);
    await company.page.waitForURL('**/billing');
    await expectLive(company.page);
    const { id: retainerId, stripeSubscriptionId } = await retainerOf(collaborationId);
    const retainer = company.page.getByTestId(`retainer-${retainerId}`);
    await expectStatus(retainer.getByTestId('retainer-status'), 'ACTIVE');
    await expectText(retainer.getByRole('heading', { level: 3 }), /^\$500\.00 \/ month/);
    await expectText(retainer, /Next charge on /);
    const period0 = retainer.getByTestId('period-0');
    await expectText(period0.locator('td').nth(1), /^Held in escrow\s+\$500\.00$/, 20_000);
    expect(await retainer.getByTestId('period-1').count()).toBe(0);
    await screenshot(company.page, '36-billing-retainer-started');

    // --- the period ends at "Stripe": the renewal is charged and month 2 shows up HELD on the open page
    expect(stripeSubscriptionId).toMatch(/^sub_/);
    const { invoice } = await ctx.emulator.advanceSubscription(stripeSubscriptionId);
    expect(invoice?.status).toBe('paid');
    const period1 = retainer.getByTestId('period-1');
    await expectText(period1.locator('td').nth(1), /^Held in escrow\s+\$500\.00$/, 20_000);
    await expectText(period1.locator('td').nth(0), '2');
    // the month's invoice shows in the invoice list too
    await expectText(company.page.getByTestId('invoice-table'), /month 2/);

    // --- release month 1 only; the influencer's wallet is credited
    await influencer.page.goto('/wallet');
    await expectLive(influencer.page);
    const before = (await influencer.page.getByTestId('wallet-available-usd').innerText()).trim();
    expect(before).toBe('$720.00');
    await period0.getByRole('button', { name: 'Release' }).click();
    await confirmIn(company.page);
    // the local "Released" toast and the live payment update share one slot: whichever lands last is shown
    await expectToast(company, /Month 1 released|^Payment: Released\s*\$500\.00 released/);
    await expectText(period0.locator('td').nth(1), /^Released\s+\$500\.00$/);
    await expectVisible(period1.getByRole('button', { name: 'Release' }));
    expect(await period0.getByRole('button', { name: 'Release' }).count()).toBe(0);
    await expectText(influencer.page.getByTestId('wallet-available-usd'), '$1,170.00', 20_000);
    await screenshot(company.page, '37-billing-retainer-two-months');

    // --- cancel at period end: the retainer says when it ends and offers to keep it
    await retainer.getByRole('button', { name: 'Cancel at period end' }).click();
    await confirmIn(company.page);
    await expectVisible(retainer.getByRole('button', { name: 'Keep the retainer' }));
    await expectText(retainer, /Ends on /);
    await expectStatus(retainer.getByTestId('retainer-status'), 'ACTIVE');
    const sub = await ctx.stripe.subscriptions.retrieve(stripeSubscriptionId);
    expect(sub.cancel_at_period_end).toBe(true);
    await screenshot(company.page, '38-billing-retainer-cancel-at-period-end');

    // the influencer hears of the scheduled end live (retainer:update, status unchanged), then sees the same retainer,
    // without the company's actions
    await expectVisible(influencer.page.getByTestId('toast').filter({ hasText: 'Retainer ending' }), 20_000);
    await influencer.page.goto('/billing');
    const seen = influencer.page.getByTestId(`retainer-${retainerId}`);
    await expectText(seen.getByTestId('period-0').locator('td').nth(1), /^Released/);
    await expectText(seen.getByTestId('period-1').locator('td').nth(1), /^Held in escrow/);
    expect(await seen.getByRole('button').count()).toBe(0);
    await screenshot(influencer.page, '39-billing-influencer');

    // --- at the period end the subscription ends instead of renewing: no third month
    const ended = await ctx.emulator.advanceSubscription(stripeSubscriptionId);
    expect(ended.invoice).toBeNull();
    // customer.subscription.deleted → retainer:update to both parties: the open pages (not reloaded) show the end live
    await expectVisible(company.page.getByTestId('toast').filter({ hasText: 'Retainer ended' }), 20_000);
    await expectStatus(retainer.getByTestId('retainer-status'), 'CANCELED');
    await expectText(retainer, /Ended /);
    await expectStatus(seen.getByTestId('retainer-status'), 'CANCELED', 20_000);
    expect(await retainer.getByTestId('period-2').count()).toBe(0);
    expect(await retainer.getByRole('button', { name: /Cancel at period end|Keep the retainer/ }).count()).toBe(0);
  });

  test('no uncaught errors, console errors or 5xx answers in the browser during the run', () => {
    expect([company, influencer].flatMap((a) => a.problems)).toEqual([]);
  });
});
