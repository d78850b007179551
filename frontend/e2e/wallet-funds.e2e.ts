/**
 * What a newcomer on `npm start` sees: a card payment's money is released, but Stripe (here its emulator, with card
 * funds pending for two days as on Stripe) has not made it available yet. The wallet says how much is payable now and
 * when the rest becomes payable, and — in emulator mode only — offers to advance the Stripe test clock; after that the
 * payout goes through, and the same control brings it to the bank, all within the browser.
 */
import type { Browser } from 'playwright-core';
import { payWith, proposeAndAccept } from '../../backend/test/support/flows';
import { createTestContext, type TestContext } from '../../backend/test/support/test-app';
import { onboard } from '../../backend/test/wallet/support';
import {
  expectStatus,
  expectText,
  expectToast,
  expectVisible,
  launchBrowser,
  newActor,
  PAYOUT_TOAST,
  screenshot,
  signIn,
  spaEnv,
  type Actor,
  until,
} from './support/browser';

describe('pending card funds and the Stripe test clock in the browser (emulator mode)', () => {
  let ctx: TestContext;
  let browser: Browser;
  let influencer: Actor;

  beforeAll(async () => {
    ctx = await createTestContext({
      label: 'e2e-funds',
      env: spaEnv(),
      // the emulator's own defaults, as on `npm start`: card funds pending two days, payouts arriving a day later
      emulator: { delays: { processingMs: 200 } },
    });
    browser = await launchBrowser();
    influencer = await newActor(browser, ctx.baseUrl, 'influencer-funds', { width: 1280, height: 1000 });
  });

  afterAll(async () => {
    await browser?.close();
    await ctx?.close();
  });

  test('not payable before the funds are available; "Advance the Stripe test clock" makes them payable; the payout is paid', async () => {
    const c = await ctx.user('company', 'Acme Brands');
    const i = await ctx.user('influencer', 'Nina Newcomer');
    await onboard(ctx, i);
    const { collaboration } = await proposeAndAccept(ctx, c, i, { amount: 200000, title: 'Autumn campaign' });
    const paid = await payWith(ctx, c, collaboration.id, 'pm_card_visa');
    expect(paid.payment.status).toBe('HELD');
    expect((await ctx.http.post(`/api/payments/collaboration/${collaboration.id}/release`, {}, { token: c.token })).status).toBe(200);

    await signIn(influencer.page, i.email);
    await influencer.page.goto('/wallet');
    await expectText(influencer.page.getByTestId('wallet-available-usd'), '$1,800.00');
    await expectText(influencer.page.getByTestId('wallet-payable-usd'), /Payable now: \$0\.00 · more on .+ about two days/);
    await expectVisible(influencer.page.getByTestId('emulator-clock'));
    await expectText(influencer.page.getByTestId('emulator-clock'), /pending.*about two days/s);
    await screenshot(influencer.page, '26-wallet-funds-pending');

    // the dialog offers nothing yet, and says when
    await influencer.page.getByRole('button', { name: 'Request payout' }).click();
    const dialog = influencer.page.getByRole('dialog', { name: 'Request payout' });
    await expectText(dialog.getByTestId('payout-available'), '$0.00');
    await expectText(dialog.locator('#payout-available'), /\$1,800\.00 more from/);
    await dialog.getByLabel('Amount (USD)').fill('100');
    await dialog.getByRole('button', { name: 'Confirm payout' }).click();
    await expectText(dialog.getByText(/You can withdraw at most/), 'You can withdraw at most $0.00 now');
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    // the emulator-only control moves the emulated clock past available_on
    await influencer.page.getByRole('button', { name: 'Advance the Stripe test clock' }).click();
    await expectText(influencer.page.getByTestId('wallet-payable-usd'), 'Payable now: $1,800.00', 20_000);
    await until(async () => (await influencer.page.getByTestId('emulator-clock').count()) === 0, 'the clock control to go away');
    await screenshot(influencer.page, '27-wallet-funds-available');

    await influencer.page.getByRole('button', { name: 'Request payout' }).click();
    await dialog.getByLabel('Amount (USD)').fill('1800');
    await dialog.getByRole('button', { name: 'Confirm payout' }).click();
    await expectToast(influencer, PAYOUT_TOAST);
    await expectStatus(influencer.page.getByTestId('payout-status'), 'IN_TRANSIT');
    // the bank gets it a day later on Stripe's clock: the same control moves it
    await expectText(influencer.page.getByTestId('emulator-clock'), /on its way/);
    await influencer.page.getByRole('button', { name: 'Advance the Stripe test clock' }).click();
    await expectStatus(influencer.page.getByTestId('payout-status'), 'COMPLETED', 30_000);
    await expectText(influencer.page.getByTestId('wallet-withdrawn-usd'), '$1,800.00');

    // at Stripe: one transfer, against the payment's charge
    const [{ charge }] = await ctx.db.query(`SELECT stripe_charge_id AS charge FROM payments WHERE collaboration_id = $1`, [collaboration.id]);
    const transfers = (await ctx.stripe.transfers.list({ limit: 10 })).data;
    expect(transfers.map((t) => [t.amount, t.source_transaction])).toEqual([[180000, charge]]);
  });
});
