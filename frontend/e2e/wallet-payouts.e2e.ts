/**
 * The influencer's side of the money flow in a real browser: the wallet credited live when the company releases,
 * Connect onboarding through the emulator's hosted page, a payout followed to COMPLETED (and a failing bank account
 * followed to FAILED with the money back). The payment itself is set up through the API (the browser checkout is
 * covered by payments.e2e.ts); everything the two users do from there on happens in their browsers.
 */
import type { Browser } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { createTestContext, type TestContext, type TestUser } from '../../backend/test/support/test-app';
import { payWith, proposeAndAccept } from '../../backend/test/support/flows';
import {
  expectLive,
  expectStatus,
  expectText,
  expectToast,
  expectVisible,
  horizontalOverflow,
  launchBrowser,
  newActor,
  PAYOUT_TOAST,
  screenshot,
  signIn,
  spaEnv,
  type Actor,
  until,
} from './support/browser';

describe('wallet, Connect onboarding and payouts in the browser', () => {
  let ctx: TestContext;
  let browser: Browser;
  let company: Actor;
  let influencer: Actor;
  /** actors opened by single tests (admin, phones), checked for problems at the end too */
  const others: Actor[] = [];

  /** A collaboration of `amount` cents paid through the API with 4000000000000077 (funds available at once), HELD. */
  async function heldCollaboration(c: TestUser, i: TestUser, amount: number, title: string): Promise<string> {
    const { collaboration } = await proposeAndAccept(ctx, c, i, { amount, title });
    const paid = await payWith(ctx, c, collaboration.id, 'pm_card_bypassPending');
    if (paid.payment?.status !== 'HELD') throw new Error(`set-up payment is ${paid.payment?.status ?? paid.status}, not HELD`);
    return collaboration.id;
  }

  /** Set up payouts → the emulator's hosted onboarding page → back on /connect/return. */
  async function onboard(a: Actor, bankAccount = '000123456789'): Promise<void> {
    await a.page.getByRole('button', { name: 'Set up payouts' }).click();
    await a.page.waitForURL((u) => u.origin === new URL(ctx.emulator.url).origin && u.pathname.startsWith('/connect/onboarding/'));
    await a.page.getByRole('heading', { name: /Set up payouts/ }).waitFor();
    await a.page.getByLabel('Bank account (test numbers)').selectOption(bankAccount);
    await screenshot(a.page, bankAccount === '000123456789' ? '22-connect-onboarding-hosted' : '22b-connect-onboarding-failing-bank');
    await a.page.getByRole('button', { name: 'Agree and submit' }).click();
    await a.page.waitForURL((u) => u.origin === new URL(ctx.baseUrl).origin && u.pathname === '/connect/return');
    await expectStatus(a.page.getByTestId('connect-status'), 'ACTIVE', 20_000);
    await expectVisible(a.page.getByText('(payouts enabled)'));
    expect(await a.page.getByRole('button', { name: 'Set up payouts' }).count()).toBe(0);
  }

  beforeAll(async () => {
    ctx = await createTestContext({ label: 'e2e-wallet', env: spaEnv() });
    browser = await launchBrowser();
    company = await newActor(browser, ctx.baseUrl, 'company');
    influencer = await newActor(browser, ctx.baseUrl, 'influencer', { width: 1280, height: 1000 });
  });

  afterAll(async () => {
    await browser?.close();
    await ctx?.close();
  });

  test('the influencer sees the release credit the wallet live, completes onboarding, requests a payout and sees it COMPLETED', async () => {
    const c = await ctx.user('company', 'Acme Brands');
    const i = await ctx.user('influencer', 'Jenny Rosen');
    const collaborationId = await heldCollaboration(c, i, 200000, 'Summer campaign');

    await signIn(company.page, c.email);
    await company.page.goto(`/collaborations/${collaborationId}`);
    await expectStatus(company.page.getByTestId('payment-status'), 'HELD');

    await signIn(influencer.page, i.email);
    await influencer.page.goto('/wallet');
    await expectVisible(influencer.page.getByText('No earnings yet.'));
    await expectStatus(influencer.page.getByTestId('connect-status'), 'NOT_STARTED');
    await expectLive(influencer.page);

    // --- the company releases everything; the influencer's wallet page (not reloaded) shows the credit
    await company.page.getByRole('button', { name: 'Release all' }).click();
    await company.page.getByRole('dialog', { name: 'Release all funds' }).getByTestId('confirm-action').click();
    await expectStatus(company.page.getByTestId('payment-status'), 'RELEASED');
    // $2,000.00 less the 10% platform fee
    await expectText(influencer.page.getByTestId('wallet-available-usd'), '$1,800.00', 20_000);
    const credited = await expectToast(influencer, 'Wallet credited');
    expect(credited.tone).toBe('success');
    expect(credited.text).toContain('+$1,800.00');
    await expectText(influencer.page.getByTestId('wallet-earned-usd'), '$1,800.00');
    await expectText(influencer.page.getByTestId('wallet-withdrawn-usd'), '$0.00');
    await expectText(influencer.page.getByTestId('transactions-table'), /Summer campaign[\s\S]*\+\$1,800\.00/);
    await expectVisible(influencer.page.getByTestId('earnings-chart'));
    await screenshot(influencer.page, '20-wallet-credited');

    // --- the CSV holds the same transaction
    const [download] = await Promise.all([influencer.page.waitForEvent('download'), influencer.page.getByRole('button', { name: 'Download CSV' }).click()]);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv.split(/\r?\n/).filter(Boolean).length).toBe(2); // header + one credit
    expect(csv).toMatch(/credit/);
    expect(csv).toMatch(/180000|1800\.00/);

    // --- before onboarding a payout cannot be requested: the button is disabled and the page says why
    expect(await influencer.page.getByRole('button', { name: 'Request payout' }).isDisabled()).toBe(true);
    await expectText(influencer.page.getByTestId('payout-setup-hint'), /Set up payouts below/);
    await screenshot(influencer.page, '21-payout-disabled-before-onboarding');

    // --- Connect onboarding on the emulator's hosted page, back to /connect/return
    await onboard(influencer);
    await screenshot(influencer.page, '23-connect-return');

    // --- the payout: requested, in flight, then COMPLETED live once the emulator's clock moves on
    await influencer.page.getByRole('link', { name: 'Go to your wallet' }).click();
    await expectText(influencer.page.getByTestId('wallet-available-usd'), '$1,800.00');
    await expectLive(influencer.page);
    await influencer.page.getByRole('button', { name: 'Request payout' }).click();
    const dialog = influencer.page.getByRole('dialog', { name: 'Request payout' });
    await expectText(dialog.getByTestId('payout-available'), '$1,800.00');
    await dialog.getByLabel('Amount (USD)').fill('2000');
    await dialog.getByRole('button', { name: 'Confirm payout' }).click();
    await expectText(dialog.getByText(/You can withdraw at most/), 'You can withdraw at most $1,800.00 now');
    await dialog.getByLabel('Amount (USD)').fill('500.00');
    await screenshot(influencer.page, '24-payout-dialog');
    await dialog.getByRole('button', { name: 'Confirm payout' }).click();
    await until(async () => (await dialog.count()) === 0, 'the payout dialog to close');
    await expectToast(influencer, PAYOUT_TOAST);
    await expectText(influencer.page.getByTestId('wallet-available-usd'), '$1,300.00');
    await expectStatus(influencer.page.getByTestId('payout-status'), /^(PENDING|IN_TRANSIT|COMPLETED)$/);
    await ctx.emulator.advanceTime(60 * 60 * 1000);
    await expectStatus(influencer.page.getByTestId('payout-status'), 'COMPLETED', 30_000);
    const done = await expectToast(influencer, 'Payout: Paid out', 20_000);
    expect(done.tone).toBe('success');
    await expectText(influencer.page.getByTestId('wallet-withdrawn-usd'), '$500.00');
    await expectText(influencer.page.getByTestId('wallet-available-usd'), '$1,300.00');
    await expectText(influencer.page.getByTestId('transactions-table'), /−\$500\.00/);
    await screenshot(influencer.page, '25-wallet-payout-completed');

    // --- the server agrees: one payout, COMPLETED, and the money on the connected account's side
    const payouts = await ctx.http.get('/api/wallet/payouts', { token: i.token });
    expect(payouts.body.data).toHaveLength(1);
    expect(payouts.body.data[0]).toMatchObject({ amount: 50000, currency: 'usd', status: 'COMPLETED' });

    // --- the same wallet on a 375 px phone: everything fits, the payout dialog too
    const phone = await newActor(browser, ctx.baseUrl, 'influencer-phone', { width: 375, height: 812 });
    others.push(phone);
    try {
      await signIn(phone.page, i.email);
      await phone.page.goto('/wallet');
      await expectText(phone.page.getByTestId('wallet-available-usd'), '$1,300.00');
      await expectStatus(phone.page.getByTestId('payout-status'), 'COMPLETED');
      await expectVisible(phone.page.getByTestId('earnings-chart'));
      await screenshot(phone.page, '375-08-wallet');
      expect(await horizontalOverflow(phone.page)).toBe(0);
      await phone.page.getByRole('button', { name: 'Request payout' }).click();
      await expectVisible(phone.page.getByRole('dialog', { name: 'Request payout' }));
      await screenshot(phone.page, '375-09-payout-dialog');
      expect(await horizontalOverflow(phone.page)).toBe(0);
      // the dialog's buttons are on screen (not pushed off the edge)
      const box = await phone.page.getByRole('button', { name: 'Confirm payout' }).boundingBox();
      expect(box).not.toBeNull();
      expect(box!.x).toBeGreaterThanOrEqual(0);
      expect(box!.x + box!.width).toBeLessThanOrEqual(375);
    } finally {
      await phone.context.close();
    }
  });

  test('a payout to a failing bank account (000111111116) shows FAILED with the reason and the money back', async () => {
    const c = await ctx.user('company', 'Globex');
    const i = await ctx.user('influencer', 'Sam Failing');
    const collaborationId = await heldCollaboration(c, i, 10000, 'Small gig');
    const rel = await ctx.http.post(`/api/payments/collaboration/${collaborationId}/release`, {}, { token: c.token });
    expect([200, 201]).toContain(rel.status);

    const a = await newActor(browser, ctx.baseUrl, 'influencer-2');

    others.push(a);
    try {
      await signIn(a.page, i.email);
      await a.page.goto('/wallet');
      await expectText(a.page.getByTestId('wallet-available-usd'), '$90.00');
      await onboard(a, '000111111116');
      await a.page.goto('/wallet');
      await expectLive(a.page);
      await a.page.getByRole('button', { name: 'Request payout' }).click();
      const dialog = a.page.getByRole('dialog', { name: 'Request payout' });
      await dialog.getByLabel('Amount (USD)').fill('90');
      await dialog.getByRole('button', { name: 'Confirm payout' }).click();
      await expectText(a.page.getByTestId('wallet-available-usd'), '$0.00');
      await ctx.emulator.advanceTime(60 * 60 * 1000);
      await expectStatus(a.page.getByTestId('payout-status'), 'FAILED', 30_000);
      const failed = await expectToast(a, 'Payout: Failed', 20_000);
      expect(failed.tone).toBe('error');
      const payouts = await ctx.http.get('/api/wallet/payouts', { token: i.token });
      const id = payouts.body.data[0].id as string;
      await expectText(a.page.getByTestId(`payout-failure-${id}`), /no_account[\s\S]*back in your wallet|back in your wallet/);
      await expectText(a.page.getByTestId('wallet-available-usd'), '$90.00');
      await expectText(a.page.getByTestId('wallet-earned-usd'), '$90.00');
      // the returned money is back in the wallet but is not new earnings: the chart still shows $90.00 for the day
      await until(
        async () => /: \$90\.00$/.test((await a.page.getByTestId('earnings-chart').getByRole('img').getAttribute('aria-label')) ?? ''),
        'the earnings chart to show $90.00 (not the returned payout on top)',
      );
      await screenshot(a.page, '26-payout-failed');
    } finally {
      await a.context.close();
    }
  });

  test('no uncaught errors, console errors or 5xx answers in the browser during the run', () => {
    expect([company, influencer, ...others].flatMap((a) => a.problems)).toEqual([]);
  });
});
