/**
 * The money flow in a real browser (Debian Chromium via playwright-core) against the built SPA served by a real
 * Nest server, with the Stripe emulator and its Stripe.js stand-in behind the real <Elements>/<PaymentElement>.
 * Two browser contexts side by side (company and influencer) observe each other's actions live.
 */
import type { Browser, Route } from 'playwright-core';
import { createTestContext, type TestContext, type TestUser } from '../../backend/test/support/test-app';
import { proposeAndAccept } from '../../backend/test/support/flows';
import { startTestSmtp, type TestSmtp } from '../../backend/test/support/smtp';
import {
  expectLive,
  expectStatus,
  expectText,
  expectToast,
  expectVisible,
  fillCard,
  horizontalOverflow,
  launchBrowser,
  newActor,
  PASSWORD,
  PAYOUT_TOAST,
  pickInfluencer,
  screenshot,
  signIn,
  signUp,
  spaEnv,
  type Actor,
  uniqueEmail,
  until,
  usd,
} from './support/browser';

const DECLINE_MESSAGE = 'Your card was declined.';

describe('payments in the browser (company and influencer side by side)', () => {
  let ctx: TestContext;
  let browser: Browser;
  let company: Actor;
  let influencer: Actor;
  /** actors opened by single tests (admin, phones), checked for problems at the end too */
  const others: Actor[] = [];
  const companyEmail = uniqueEmail('company');
  const influencerEmail = uniqueEmail('influencer');

  /** Tokens for API set-up of later tests (the users themselves are created through the SPA in the first test). */
  async function apiUser(email: string): Promise<TestUser> {
    const res = await ctx.http.post('/api/auth/login', { email, password: PASSWORD });
    if (res.status !== 200) throw new Error(`login ${email} failed (${res.status}); did the first test sign up?`);
    return { ...res.body.user, token: res.body.accessToken };
  }

  let smtp: TestSmtp;

  beforeAll(async () => {
    // email goes through a real SMTP server the test reads (as MailDev catches it on `npm start`)
    smtp = await startTestSmtp();
    ctx = await createTestContext({ label: 'e2e', env: { ...spaEnv(), SMTP_URL: smtp.url, MAIL_POLL_MS: '250' } });
    browser = await launchBrowser();
    company = await newActor(browser, ctx.baseUrl, 'company');
    influencer = await newActor(browser, ctx.baseUrl, 'influencer');
  });

  afterAll(async () => {
    await browser?.close();
    await ctx?.close();
    await smtp?.close();
  });

  test('main flow: propose with milestones, accept, pay with 4242 (both see HELD live), release a milestone then the rest, wallet credited live, onboarding, payout COMPLETED', async () => {
    // --- both sign up through the SPA
    await company.page.goto('/sign-in');
    await screenshot(company.page, '01-sign-in');
    await signUp(company.page, { role: 'company', name: 'Acme Brands', email: companyEmail });
    await signUp(influencer.page, { role: 'influencer', name: 'Jenny Rosen', email: influencerEmail });
    expect(influencer.page.url()).toMatch(/\/dashboard$/);
    const influencerId = (await influencer.page.getByTestId('my-user-id').innerText()).trim();
    expect(influencerId).toMatch(/^[0-9a-f-]{36}$/);
    await expectLive(company.page);
    await expectLive(influencer.page);

    // --- the company proposes $1,500.00 in two milestones
    await company.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'New proposal' }).click();
    await pickInfluencer(company.page, 'Jenny', /Jenny Rosen/);
    await company.page.getByLabel('Title', { exact: true }).fill('Spring launch video');
    await company.page.getByLabel('Description (optional)').fill('One 60-second video and three stories.');
    await company.page.getByLabel('Amount', { exact: true }).fill('1500.00');
    await company.page.getByRole('button', { name: 'Add milestone' }).click();
    await company.page.getByLabel('Milestone 1 title').fill('Draft video');
    await company.page.getByLabel('Milestone 1 amount').fill('500.00');
    await company.page.getByRole('button', { name: 'Add milestone' }).click();
    await company.page.getByLabel('Milestone 2 title').fill('Final video and stories');
    await company.page.getByLabel('Milestone 2 amount').fill('1000.00');
    await expectText(company.page.getByText(/^Milestones total:/), 'Milestones total: $1,500.00 of $1,500.00');
    await screenshot(company.page, '03-propose');
    await company.page.getByRole('button', { name: 'Propose collaboration' }).click();
    await company.page.waitForURL(/\/collaborations\/[0-9a-f-]{36}$/);
    const collaborationId = company.page.url().split('/').pop()!;
    await expectStatus(company.page.getByTestId('collaboration-status'), 'PROPOSED');
    await expectText(company.page.getByTestId('collaboration-amount'), '$1,500.00');

    // --- the influencer sees the proposal on the dashboard and accepts it
    await influencer.page.reload();
    await expectVisible(influencer.page.getByTestId(`proposal-${collaborationId}`));
    await expectText(influencer.page.getByTestId(`proposal-${collaborationId}`), /Spring launch video[\s\S]*\$1,500\.00/);
    await screenshot(influencer.page, '02-dashboard-influencer');
    await expectLive(influencer.page);
    await influencer.page.getByTestId(`accept-${collaborationId}`).click();
    await expectToast(influencer, 'Proposal accepted');
    await until(async () => (await influencer.page.getByTestId(`proposal-${collaborationId}`).count()) === 0, 'the accepted proposal to leave the list');

    // --- the company's open page follows live: ACCEPTED and "Pay now", without a reload
    await expectStatus(company.page.getByTestId('collaboration-status'), 'ACCEPTED');
    await expectStatus(company.page.getByTestId('payment-status'), 'PENDING');
    await company.page.getByRole('button', { name: 'Pay now' }).click();

    // --- checkout: the real <PaymentElement> backed by the emulator's stand-in
    await company.page.waitForURL(`**/payments/checkout/${collaborationId}`);
    await expectText(company.page.getByTestId('checkout-amount'), '$1,500.00');
    await fillCard(company.page, '4242 4242 4242 4242');
    expect(await company.page.getByLabel('Card number').inputValue()).toBe('4242 4242 4242 4242');
    await screenshot(company.page, '04-checkout');
    await expectLive(influencer.page);
    await company.page.getByRole('button', { name: 'Pay', exact: true }).click();

    // --- result page: redirect from Stripe, confirm, HELD; a live toast for both parties
    await company.page.waitForURL(new RegExp(`/payments/result/${collaborationId}\\?.*redirect_status=succeeded`));
    await expectStatus(company.page.getByTestId('payment-status'), 'HELD', 30_000);
    await expectVisible(company.page.getByText('Payment received. The money is held by CollabPay'));
    const companyToast = await expectToast(company, 'Payment: Held in escrow', 20_000);
    expect(companyToast.tone).toBe('success');
    const influencerToast = await expectToast(influencer, 'Payment: Held in escrow', 20_000);
    expect(influencerToast.tone).toBe('success');
    await screenshot(company.page, '05-payment-result-held');

    // the influencer's collaboration page shows the money held by CollabPay
    await influencer.page.goto(`/collaborations/${collaborationId}`);
    await expectStatus(influencer.page.getByTestId('payment-status'), 'HELD');
    await expectText(influencer.page.getByTestId('payment-held'), '$1,500.00');
    await expectVisible(influencer.page.getByText('Paid', { exact: true }));
    await expectStatus(influencer.page.getByTestId('collaboration-status'), 'ACTIVE');
    expect(await influencer.page.getByRole('button', { name: 'Release all' }).count()).toBe(0);

    // --- the company releases the first milestone through the confirmation dialog
    await company.page.getByRole('link', { name: 'Back to the collaboration' }).click();
    await expectStatus(company.page.getByTestId('payment-status'), 'HELD');
    await expectText(company.page.getByTestId('payment-held'), '$1,500.00');
    const draft = company.page.getByRole('listitem').filter({ hasText: 'Draft video' });
    await draft.getByRole('button', { name: 'Release' }).click();
    const dialog = company.page.getByRole('dialog', { name: 'Release milestone' });
    await expectVisible(dialog);
    await expectText(dialog, /Draft video[\s\S]*\$500\.00/);
    await screenshot(company.page, '06-release-dialog');
    // Cancel first: nothing moves
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await until(async () => (await dialog.count()) === 0, 'the dialog to close');
    await expectStatus(company.page.getByTestId('payment-status'), 'HELD');
    await draft.getByRole('button', { name: 'Release' }).click();
    await dialog.getByTestId('confirm-action').click();
    await expectStatus(company.page.getByTestId('payment-status'), 'PARTIALLY_RELEASED');
    await expectText(company.page.getByTestId('payment-held'), '$1,000.00');
    await until(async () => (await draft.getByRole('button', { name: 'Release' }).count()) === 0, 'the released milestone to lose its Release button');
    // the influencer's open page follows live
    await expectStatus(influencer.page.getByTestId('payment-status'), 'PARTIALLY_RELEASED');
    await expectToast(influencer, 'Payment: Partly released');

    // --- the influencer watches the wallet: the first milestone is there ($500.00 less the 10% fee)
    await influencer.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Wallet' }).click();
    await expectText(influencer.page.getByTestId('wallet-available-usd'), '$450.00');
    await expectStatus(influencer.page.getByTestId('connect-status'), 'NOT_STARTED');
    await expectLive(influencer.page);

    // --- the company releases everything still held
    await company.page.getByRole('button', { name: 'Release all' }).click();
    const all = company.page.getByRole('dialog', { name: 'Release all funds' });
    await expectText(all, /everything still held[\s\S]*\$1,000\.00/);
    await all.getByTestId('confirm-action').click();
    await expectStatus(company.page.getByTestId('payment-status'), 'RELEASED');
    await expectText(company.page.getByTestId('payment-held'), '$0.00');
    await expectStatus(company.page.getByTestId('collaboration-status'), 'COMPLETED');
    expect(await company.page.getByRole('button', { name: 'Release all' }).count()).toBe(0);
    await screenshot(company.page, '07-collaboration-released');

    // --- the influencer's wallet (not reloaded) shows the credit live: $450.00 + $900.00
    await expectText(influencer.page.getByTestId('wallet-available-usd'), '$1,350.00', 20_000);
    expect((await expectToast(influencer, /Wallet credited[\s\S]*\+\$900\.00/)).tone).toBe('success');
    await expectText(influencer.page.getByTestId('wallet-earned-usd'), '$1,350.00');
    await screenshot(influencer.page, '12-wallet-credited');

    // --- Connect onboarding: Set up payouts → the emulator's hosted page → back on /connect/return
    await influencer.page.getByRole('button', { name: 'Set up payouts' }).click();
    await influencer.page.waitForURL((u) => u.origin === new URL(ctx.emulator.url).origin && u.pathname.startsWith('/connect/onboarding/'));
    await screenshot(influencer.page, '13-connect-onboarding');
    await influencer.page.getByRole('button', { name: 'Agree and submit' }).click();
    await influencer.page.waitForURL((u) => u.origin === new URL(ctx.baseUrl).origin && u.pathname === '/connect/return');
    await expectStatus(influencer.page.getByTestId('connect-status'), 'ACTIVE', 20_000);

    // --- a payout of everything, followed to COMPLETED once the emulator's clock moves on
    await influencer.page.getByRole('link', { name: 'Go to your wallet' }).click();
    await expectText(influencer.page.getByTestId('wallet-available-usd'), '$1,350.00');
    // card funds are pending at Stripe for about two days: move the emulated clock on, as the SPA's test-clock control does
    await ctx.emulator.advanceTime(3 * 24 * 60 * 60 * 1000);
    await influencer.page.reload();
    await expectLive(influencer.page);
    await influencer.page.getByRole('button', { name: 'Request payout' }).click();
    const payoutDialog = influencer.page.getByRole('dialog', { name: 'Request payout' });
    await expectText(payoutDialog.getByTestId('payout-available'), '$1,350.00');
    await payoutDialog.getByLabel('Amount (USD)').fill('1350.00');
    await payoutDialog.getByRole('button', { name: 'Confirm payout' }).click();
    await expectToast(influencer, PAYOUT_TOAST);
    await expectText(influencer.page.getByTestId('wallet-available-usd'), '$0.00');
    await ctx.emulator.advanceTime(60 * 60 * 1000);
    await expectStatus(influencer.page.getByTestId('payout-status'), 'COMPLETED', 30_000);
    expect((await expectToast(influencer, 'Payout: Paid out', 20_000)).tone).toBe('success');
    await expectText(influencer.page.getByTestId('wallet-withdrawn-usd'), '$1,350.00');
    await screenshot(influencer.page, '14-wallet-payout-completed');

    // the influencer's collaboration page: RELEASED, COMPLETED
    await influencer.page.goto(`/collaborations/${collaborationId}`);
    await expectStatus(influencer.page.getByTestId('payment-status'), 'RELEASED');
    await expectStatus(influencer.page.getByTestId('collaboration-status'), 'COMPLETED');

    // --- the server agrees
    const payment = await ctx.http.get(`/api/payments/collaboration/${collaborationId}`, { token: (await apiUser(companyEmail)).token });
    expect(payment.body).toMatchObject({ status: 'RELEASED', amount: 150000, amountReleased: 150000 });

    // --- and told the influencer by email: the payment held once, each release (two milestones), the payout paid
    await until(
      async () => smtp.to(influencerEmail).filter((m) => m.header('x-collabpay-kind') === 'payment_released').length === 2,
      'two "released" emails to the influencer',
      20_000,
    );
    const mail = smtp.to(influencerEmail);
    const held = mail.filter((m) => m.header('x-collabpay-kind') === 'payment_held');
    expect(held).toHaveLength(1);
    expect(held[0].subject).toBe('Payment of $1,500.00 is held by CollabPay');
    expect(held[0].text).toContain(`/collaborations/${collaborationId}`);
    expect(mail.filter((m) => m.header('x-collabpay-kind') === 'payment_released').every((m) => /released to your wallet$/.test(m.subject))).toBe(true);
    await until(async () => smtp.to(influencerEmail).some((m) => m.header('x-collabpay-kind') === 'payout_paid'), 'the "payout paid" email', 20_000);
    expect(smtp.to(companyEmail).filter((m) => m.header('x-collabpay-kind') === 'payment_held')).toHaveLength(1);
    // the intent the Payment Element confirmed succeeded at "Stripe"
    const pi = await ctx.stripe.paymentIntents.retrieve(payment.body.stripePaymentIntentId);
    expect(pi).toMatchObject({ status: 'succeeded', amount: 150000, currency: 'usd' });
  });

  test('a declined card (4000 0000 0000 0002) shows "Your card was declined." and a retry with 4242 reaches HELD', async () => {
    const c = await apiUser(companyEmail);
    const i = await apiUser(influencerEmail);
    const { collaboration } = await proposeAndAccept(ctx, c, i, { amount: 25000, title: 'Declined then retried' });

    await company.page.goto(`/collaborations/${collaboration.id}`);
    await expectStatus(company.page.getByTestId('payment-status'), 'PENDING');
    await company.page.getByRole('button', { name: 'Pay now' }).click();
    await expectText(company.page.getByTestId('checkout-amount'), '$250.00');
    await fillCard(company.page, '4000 0000 0000 0002');
    await company.page.getByRole('button', { name: 'Pay', exact: true }).click();

    // the decline message from Stripe.js, shown by the checkout form; no redirect
    await expectText(company.page.getByTestId('checkout-error'), DECLINE_MESSAGE, 20_000);
    expect(company.page.url()).toContain(`/payments/checkout/${collaboration.id}`);
    await screenshot(company.page, '08-checkout-declined');
    const declined = await ctx.http.get(`/api/payments/collaboration/${collaboration.id}`, { token: c.token });
    expect(['PENDING', 'FAILED']).toContain(declined.body.status);
    expect(declined.body.amountReleased ?? 0).toBe(0);

    // retry in place with a good card: the error goes away as the card changes, and the payment succeeds
    await fillCard(company.page, '4242 4242 4242 4242');
    await until(async () => (await company.page.getByTestId('checkout-error').count()) === 0, 'the decline message to clear when the card changes');
    await company.page.getByRole('button', { name: 'Pay', exact: true }).click();
    await company.page.waitForURL(new RegExp(`/payments/result/${collaboration.id}`));
    await expectStatus(company.page.getByTestId('payment-status'), 'HELD', 30_000);
    const held = await ctx.http.get(`/api/payments/collaboration/${collaboration.id}`, { token: c.token });
    expect(held.body.status).toBe('HELD');
    const pi = await ctx.stripe.paymentIntents.retrieve(held.body.stripePaymentIntentId);
    expect(pi.status).toBe('succeeded');

    // coming back to the checkout of a paid collaboration offers no second payment
    await company.page.goto(`/payments/checkout/${collaboration.id}`);
    await expectStatus(company.page.getByTestId('payment-status'), 'HELD');
    expect(await company.page.getByRole('button', { name: 'Pay', exact: true }).count()).toBe(0);
    expect(await company.page.getByLabel('Card number').count()).toBe(0);
    await company.page.getByRole('link', { name: 'View payment' }).click();
    await company.page.waitForURL(`**/payments/result/${collaboration.id}`);
    await expectStatus(company.page.getByTestId('payment-status'), 'HELD');
  });

  test('a 3-D Secure card (4000 0025 0000 3155) passes the challenge and reaches HELD', async () => {
    const c = await apiUser(companyEmail);
    const i = await apiUser(influencerEmail);
    const { collaboration } = await proposeAndAccept(ctx, c, i, { amount: 42000, title: '3-D Secure campaign' });

    await company.page.goto(`/payments/checkout/${collaboration.id}`);
    await expectText(company.page.getByTestId('checkout-amount'), '$420.00');
    await fillCard(company.page, '4000 0025 0000 3155');
    await expectLive(company.page);
    // A slow network for the redirect to the result page: the HELD event reaches the checkout page while it is
    // being left. It must not be lost: the result page has to show it (replayed through sync).
    const slowResult = async (route: Route) => {
      await new Promise((r) => setTimeout(r, 1500));
      await route.continue().catch(() => {});
    };
    await company.page.route(`**/payments/result/${collaboration.id}?**`, slowResult);
    await company.page.getByRole('button', { name: 'Pay', exact: true }).click();

    const challenge = company.page.getByRole('dialog', { name: '3D Secure 2 Test Page' });
    await expectVisible(challenge, 20_000);
    await expectText(challenge, /420\.00 USD/);
    await screenshot(company.page, '09-3ds-challenge');
    // while the challenge is open the payment is not HELD
    const during = await ctx.http.get(`/api/payments/collaboration/${collaboration.id}`, { token: c.token });
    expect(during.body.status).not.toBe('HELD');
    await challenge.getByRole('button', { name: 'Complete authentication' }).click();

    await company.page.waitForURL(new RegExp(`/payments/result/${collaboration.id}\\?.*redirect_status=succeeded`));
    await company.page.unroute(`**/payments/result/${collaboration.id}?**`, slowResult);
    await expectStatus(company.page.getByTestId('payment-status'), 'HELD', 30_000);
    expect((await expectToast(company, /Payment: Held in escrow[\s\S]*\$420\.00/)).tone).toBe('success');
    const pi = await ctx.stripe.paymentIntents.retrieve(
      (await ctx.http.get(`/api/payments/collaboration/${collaboration.id}`, { token: c.token })).body.stripePaymentIntentId,
    );
    expect(pi.status).toBe('succeeded');
  });

  test('a failed 3-D Secure challenge lands on the result page with the failure, and "Try again" pays with 4242', async () => {
    const c = await apiUser(companyEmail);
    const i = await apiUser(influencerEmail);
    const { collaboration } = await proposeAndAccept(ctx, c, i, { amount: 13000, title: 'Failed challenge' });

    await company.page.goto(`/payments/checkout/${collaboration.id}`);
    await fillCard(company.page, '4000 0025 0000 3155');
    await company.page.getByRole('button', { name: 'Pay', exact: true }).click();
    const challenge = company.page.getByRole('dialog', { name: '3D Secure 2 Test Page' });
    await expectVisible(challenge, 20_000);
    await challenge.getByRole('button', { name: 'Fail authentication' }).click();

    await company.page.waitForURL(new RegExp(`/payments/result/${collaboration.id}\\?.*redirect_status=failed`));
    await expectStatus(company.page.getByTestId('payment-status'), 'FAILED', 20_000);
    await expectText(company.page.getByRole('alert'), /unable to authenticate your payment method/);
    await expectVisible(company.page.getByText('Stripe reported that the payment did not go through.'));
    await screenshot(company.page, '09b-3ds-failed-result');
    await company.page.getByRole('link', { name: 'Try again' }).click();
    await company.page.waitForURL(`**/payments/checkout/${collaboration.id}`);
    await fillCard(company.page, '4242 4242 4242 4242');
    await company.page.getByRole('button', { name: 'Pay', exact: true }).click();
    await company.page.waitForURL(new RegExp(`/payments/result/${collaboration.id}\\?.*redirect_status=succeeded`));
    await expectStatus(company.page.getByTestId('payment-status'), 'HELD', 30_000);
  });

  test('the admin screen shows the ledger check', async () => {
    const admin = await ctx.user('admin', 'Ada Admin');
    const a = await newActor(browser, ctx.baseUrl, 'admin');
    others.push(a);
    try {
      await signIn(a.page, admin.email);
      await a.page.waitForURL(/\/admin$/);
      await expectVisible(a.page.getByTestId('ledger-status'));
      await expectText(a.page.getByTestId('ledger-status'), 'All invariants hold.');
      // every webhook of the run (payments, declines, 3-D Secure, releases) was processed without a failure
      await expectVisible(a.page.getByText('No failed webhook events.'));
      await screenshot(a.page, '10-admin');
    } finally {
      await a.context.close();
    }
  });

  test('at 375 px wide: the company pays on a phone and no screen scrolls sideways', async () => {
    const c = await apiUser(companyEmail);
    const i = await apiUser(influencerEmail);
    const { collaboration } = await proposeAndAccept(ctx, c, i, { amount: 9900, title: 'Phone checkout' });
    const phone = await newActor(browser, ctx.baseUrl, 'company-phone', { width: 375, height: 812 });
    others.push(phone);
    const phoneInfluencer = await newActor(browser, ctx.baseUrl, 'influencer-phone', { width: 375, height: 812 });
    others.push(phoneInfluencer);
    try {
      const fits = async (a: Actor, name: string) => {
        await screenshot(a.page, `375-${name}`);
        const overflow = await horizontalOverflow(a.page);
        expect({ screen: name, overflow }).toEqual({ screen: name, overflow: 0 });
      };
      await phone.page.goto('/sign-in');
      await fits(phone, '01-sign-in');
      await signIn(phone.page, companyEmail);
      await phone.page.goto('/collaborations');
      await expectVisible(phone.page.getByTestId('collaboration-list'));
      await fits(phone, '02-collaborations');
      await phone.page.goto(`/collaborations/${collaboration.id}`);
      await expectStatus(phone.page.getByTestId('payment-status'), 'PENDING');
      // nothing is paid yet, so the page must not say "Paid"
      await expectVisible(phone.page.getByText('Amount due', { exact: true }));
      expect(await phone.page.getByText('Paid', { exact: true }).count()).toBe(0);
      await fits(phone, '03-collaboration');
      await phone.page.getByRole('button', { name: 'Pay now' }).click();
      await fillCard(phone.page, '4242 4242 4242 4242');
      await fits(phone, '04-checkout');
      await phone.page.getByRole('button', { name: 'Pay', exact: true }).click();
      await phone.page.waitForURL(new RegExp(`/payments/result/${collaboration.id}`));
      await expectStatus(phone.page.getByTestId('payment-status'), 'HELD', 30_000);
      await fits(phone, '05-result');
      await phone.page.goto('/payments');
      await expectVisible(phone.page.getByTestId('payments-table'));
      await fits(phone, '06-payments');

      await signIn(phoneInfluencer.page, influencerEmail);
      await expectVisible(phoneInfluencer.page.getByTestId('my-user-id'));
      await fits(phoneInfluencer, '07-dashboard-influencer');
    } finally {
      await phone.context.close();
      await phoneInfluencer.context.close();
    }
  });

  test('the payments history lists what the company paid', async () => {
    await company.page.goto('/payments');
    const table = company.page.getByTestId('payments-table');
    await expectVisible(table);
    await until(async () => (await table.locator('[data-status="RELEASED"]').count()) > 0, 'a released payment in the table');
    for (const amount of [150000, 25000, 42000, 9900]) await expectText(table, new RegExp(usd(amount).replace(/[$.]/g, '\\$&')));
    await screenshot(company.page, '11-payments-history');
  });

  test('no uncaught errors, console errors or 5xx answers in the browser during the run', () => {
    expect([company, influencer, ...others].flatMap((a) => a.problems)).toEqual([]);
  });
});
