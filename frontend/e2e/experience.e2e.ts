/**
 * The product experience in a real browser (issue 16): every screen a company, an influencer and an admin can reach
 * is checked with axe-core (0 violations) at 1280 and 375 px and must not scroll sideways on a phone; every money
 * action shows the confirmation with the right gross, fee and net; one payout raises at most 2 toasts.
 */
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { createTestContext, type TestContext, type TestUser } from '../../backend/test/support/test-app';
import { payWith, proposeAndAccept } from '../../backend/test/support/flows';
import {
  expectLive,
  expectText,
  expectToast,
  horizontalOverflow,
  launchBrowser,
  newActor,
  PAYOUT_TOAST,
  screenshot,
  signIn,
  spaEnv,
  type Actor,
  until,
  usd,
} from './support/browser';

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const FEE_BPS = 1000; // PLATFORM_FEE_BPS default
const fee = (amount: number) => Math.round((amount * FEE_BPS) / 10000);

/** Waits until the screen has its heading and no spinner left. */
async function settle(page: Page): Promise<void> {
  await until(
    () => page.evaluate(() => !!document.querySelector('main h1') && document.querySelectorAll('.loading').length === 0),
    `${page.url()} to finish loading`,
    20_000,
  );
}

/** axe-core injected through the DevTools protocol (the strict CSP refuses inline scripts), run on the whole page. */
async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run: (ctx: Document, opts: object) => Promise<{ violations: Array<{ id: string; nodes: Array<{ target: unknown[] }> }> }> };
      }
    ).axe;
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`);
  });
  return result;
}

describe('experience: accessible, phone-sized screens and confirmed money actions', () => {
  let ctx: TestContext;
  let browser: Browser;
  const actors: Actor[] = [];
  let company: TestUser;
  let influencer: TestUser;
  let admin: TestUser;
  let heldId: string;
  let acceptedId: string;

  async function actor(name: string, width: number): Promise<Actor> {
    const a = await newActor(browser, ctx.baseUrl, name, { width, height: width < 500 ? 812 : 900 });
    actors.push(a);
    return a;
  }

  async function saveCard(user: TestUser): Promise<string> {
    const res = await ctx.http.post('/api/billing/setup-intent', {}, { token: user.token });
    const si = await ctx.stripe.setupIntents.confirm(res.body.setupIntentId, { payment_method: 'pm_card_visa' });
    return si.payment_method as string;
  }

  beforeAll(async () => {
    ctx = await createTestContext({ label: 'e2e-experience', env: spaEnv() });
    browser = await launchBrowser();
    company = await ctx.user('company', 'Acme Brands International With A Rather Long Company Name');
    influencer = await ctx.user('influencer', 'Jenny Rosen');
    admin = await ctx.user('admin', 'Ada Admin');
    const long = 'A'.repeat(200);
    const held = await proposeAndAccept(ctx, company, influencer, {
      amount: 150000,
      title: long,
      milestones: [
        { title: 'Draft video', amount: 50000 },
        { title: 'Final cut', amount: 100000 },
      ],
    });
    heldId = held.collaboration.id;
    const paid = await payWith(ctx, company, heldId, 'pm_card_bypassPending');
    if (paid.payment?.status !== 'HELD') throw new Error(`set-up payment is ${paid.payment?.status}`);
    acceptedId = (await proposeAndAccept(ctx, company, influencer, { amount: 42000, title: 'Autumn reel' })).collaboration.id;
    await saveCard(company);
  });

  afterAll(async () => {
    await browser?.close();
    await ctx?.close();
    const problems = actors.flatMap((a) => a.problems);
    expect(problems).toEqual([]);
  });

  const unknownId = '00000000-0000-4000-8000-000000000000';
  const screens: Record<'anonymous' | 'company' | 'influencer' | 'admin', () => string[]> = {
    anonymous: () => ['/sign-in', '/sign-up'],
    company: () => [
      '/dashboard',
      '/collaborations',
      '/collaborations/new',
      `/collaborations/${heldId}`,
      `/collaborations/${acceptedId}`,
      `/payments/checkout/${acceptedId}`,
      `/payments/result/${heldId}`,
      '/payments',
      '/billing',
      '/settings/notifications',
      `/collaborations/${unknownId}`,
      '/no-such-page',
    ],
    influencer: () => ['/dashboard', '/collaborations', `/collaborations/${heldId}`, '/wallet', '/payments', '/billing', '/settings/notifications'],
    admin: () => ['/dashboard', '/admin', '/payments'],
  };
  const users = () => ({ company, influencer, admin });

  for (const width of [1280, 375]) {
    test(`axe finds nothing on any screen at ${width} px, and nothing scrolls sideways on a phone`, async () => {
      const failures: string[] = [];
      for (const [who, paths] of Object.entries(screens)) {
        const a = await actor(`${who}-${width}`, width);
        if (who !== 'anonymous') await signIn(a.page, users()[who as 'company'].email);
        for (const path of paths()) {
          await a.page.goto(path);
          await settle(a.page);
          for (const v of await axeViolations(a.page)) failures.push(`${who} ${path} @${width}: ${v}`);
          if (width < 500) {
            const overflow = await horizontalOverflow(a.page);
            if (overflow > 0) failures.push(`${who} ${path} @${width}: ${overflow} px wider than the screen`);
          }
          await screenshot(a.page, `exp-${width}-${who}-${path.replace(/[^a-z0-9]+/gi, '-').slice(0, 40)}`);
        }
        // the phone menu: opened, it is accessible too
        if (width < 500 && who !== 'anonymous') {
          await a.page.getByRole('button', { name: 'Menu' }).click();
          for (const v of await axeViolations(a.page)) failures.push(`${who} menu @${width}: ${v}`);
          if ((await horizontalOverflow(a.page)) > 0) failures.push(`${who} menu @${width}: overflow`);
        }
      }
      expect(failures).toEqual([]);
    });
  }

  test('the axe check is live: it reports a violation planted in the page', async () => {
    const a = await actor('axe-probe', 1280);
    await a.page.goto('/sign-in');
    await settle(a.page);
    await a.page.evaluate(() => document.querySelector('main')!.appendChild(document.createElement('img')));
    expect((await axeViolations(a.page)).some((v) => v.startsWith('image-alt'))).toBe(true);
  });

  test('an unknown id shows a not-found screen, not an error', async () => {
    const a = await actor('company-404', 1280);
    await signIn(a.page, company.email);
    await a.page.goto(`/collaborations/${unknownId}`);
    await expectText(a.page.getByRole('heading', { level: 1 }), 'We could not find this collaboration');
    expect(await a.page.getByText('Something went wrong').count()).toBe(0);
  });

  test('each money action confirms with gross, fee and net before anything moves', async () => {
    const a = await actor('company-money', 375);
    await signIn(a.page, company.email);
    const dialogOf = (name: string | RegExp) => a.page.getByRole('dialog', { name });
    const expectBreakdown = async (name: string | RegExp, gross: number, feeAmount: number, net: number) => {
      const d = dialogOf(name);
      await expectText(d.getByTestId('confirm-gross'), usd(gross));
      await expectText(d.getByTestId('confirm-fee'), feeAmount ? `− ${usd(feeAmount)}` : usd(0));
      await expectText(d.getByTestId('confirm-net'), usd(net));
      // Cancel, never the action, has the focus
      expect(await d.getByRole('button', { name: 'Cancel' }).evaluate((el) => el === document.activeElement)).toBe(true);
      expect(await horizontalOverflow(a.page)).toBe(0);
      return d;
    };
    const cancel = async (name: string | RegExp) => {
      await a.page.keyboard.press('Escape');
      await until(async () => (await dialogOf(name).count()) === 0, `${String(name)} to close`);
    };

    // checkout: the fee breakdown next to the card form
    await a.page.goto(`/payments/checkout/${acceptedId}`);
    await expectText(a.page.getByTestId('checkout-amount'), usd(42000));
    await expectText(a.page.getByTestId('checkout-fee'), usd(fee(42000)));
    await expectText(a.page.getByTestId('checkout-net'), usd(42000 - fee(42000)));

    // pay with saved card, pay by invoice (accepted collaboration)
    await a.page.goto(`/collaborations/${acceptedId}`);
    await a.page.getByRole('button', { name: 'Pay with saved card' }).click();
    await expectBreakdown('Pay with saved card', 42000, fee(42000), 42000 - fee(42000));
    await screenshot(a.page, 'exp-375-confirm-saved-card');
    await cancel('Pay with saved card');
    await a.page.getByRole('button', { name: 'Pay by invoice' }).click();
    await expectBreakdown('Pay by invoice', 42000, fee(42000), 42000 - fee(42000));
    await cancel('Pay by invoice');
    expect((await ctx.http.get(`/api/payments/collaboration/${acceptedId}`, { token: company.token })).body.status).toBe('PENDING');

    // release a milestone, release all, refund (held collaboration)
    await a.page.goto(`/collaborations/${heldId}`);
    await a.page.getByRole('listitem').filter({ hasText: 'Draft video' }).getByRole('button', { name: 'Release' }).click();
    await expectBreakdown('Release milestone', 50000, fee(50000), 50000 - fee(50000));
    await screenshot(a.page, 'exp-375-confirm-release');
    await cancel('Release milestone');
    await a.page.getByRole('button', { name: 'Release all' }).click();
    await expectBreakdown('Release all funds', 150000, fee(150000), 150000 - fee(150000));
    await cancel('Release all funds');
    const refundButton = a.page.getByRole('button', { name: /^Refund/ });
    if (await refundButton.count()) {
      await refundButton.first().click();
      await expectText(dialogOf('Refund payment').getByTestId('confirm-net'), usd(150000));
      await cancel('Refund payment');
    }
    expect((await ctx.http.get(`/api/payments/collaboration/${heldId}`, { token: company.token })).body.status).toBe('HELD');

    // the release itself: confirmed once, whatever the clicks
    await a.page.getByRole('listitem').filter({ hasText: 'Draft video' }).getByRole('button', { name: 'Release' }).click();
    await dialogOf('Release milestone').getByTestId('confirm-action').dblclick();
    await until(async () => (await dialogOf('Release milestone').count()) === 0, 'the release to finish');
    const after = (await ctx.http.get(`/api/payments/collaboration/${heldId}`, { token: company.token })).body;
    expect(after).toMatchObject({ status: 'PARTIALLY_RELEASED', amountReleased: 50000 });

    // remove card (billing)
    await a.page.goto('/billing');
    await a.page.getByTestId('saved-cards').getByRole('button', { name: 'Remove' }).first().click();
    const remove = dialogOf(/^Remove the card ending/);
    expect(await remove.getByRole('button', { name: 'Cancel' }).evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await remove.getByTestId('confirm-action').getAttribute('class')).toContain('btn-danger');
    await cancel(/^Remove the card ending/);
    expect((await ctx.http.get('/api/billing/payment-methods', { token: company.token })).body.data).toHaveLength(1);
  });

  test('one payout raises at most 2 toasts, and they never cover the key figures on a phone', async () => {
    const a = await actor('influencer-payout', 375);
    await signIn(a.page, influencer.email);
    // onboarding through the emulator's hosted page
    await a.page.goto('/wallet');
    await a.page.getByRole('button', { name: 'Set up payouts' }).click();
    await a.page.waitForURL((u) => u.pathname.startsWith('/connect/onboarding/'));
    await a.page.getByRole('button', { name: 'Agree and submit' }).click();
    await a.page.waitForURL((u) => u.origin === new URL(ctx.baseUrl).origin && u.pathname === '/connect/return');
    await a.page.goto('/wallet');
    await expectLive(a.page);
    const before = a.toastLog.length;
    await a.page.getByRole('button', { name: 'Request payout' }).click();
    const dialog = a.page.getByRole('dialog', { name: 'Request payout' });
    await dialog.getByLabel('Amount (USD)').fill('100.00');
    await dialog.getByRole('button', { name: 'Confirm payout' }).click();
    await expectToast(a, PAYOUT_TOAST);
    await ctx.emulator.advanceTime(60 * 60 * 1000);
    await expectToast(a, /Payout: Paid out/, 30_000);
    // late events (wallet debit, in transit) must not add toasts
    await a.page.waitForTimeout(1000);
    const payoutToasts = a.toastLog.slice(before).filter((t) => /payout/i.test(t.text));
    expect(payoutToasts.length).toBeLessThanOrEqual(2);
    expect(a.toastLog.slice(before).length).toBeLessThanOrEqual(2);

    // on the phone overview, a toast sits below the key figures
    await a.page.goto('/dashboard');
    await settle(a.page);
    await a.page.evaluate(() => window.scrollTo(0, 0));
    const figures = await a.page.locator('[data-key-figure]').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON() as DOMRect));
    const toastBox = await a.page.locator('.toast-stack').evaluate((el) => el.getBoundingClientRect().toJSON() as DOMRect);
    const overlaps = figures.filter((f) => f.bottom > toastBox.top && f.top < toastBox.bottom && toastBox.height > 0 && f.bottom <= 812);
    expect(overlaps.filter((f) => f.top < 400)).toEqual([]);
  });
});
