/**
 * The collaboration workflow in a real browser (Debian Chromium via playwright-core) against the built SPA served by a
 * real Nest server and the Stripe emulator: find by handle and propose, accept live, pay with 4242, submit, request
 * changes, resubmit, approve (wallet credited live), a dispute opened by the company and resolved by an admin with both
 * parties watching, an invitation by email, and the new screens at 375 px.
 */
import type { Browser, Page } from 'playwright-core';
import { createTestContext, type TestContext } from '../../backend/test/support/test-app';
import {
  type Actor,
  confirmIn,
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
  pickInfluencer,
  screenshot,
  signIn,
  signUp,
  spaEnv,
  uniqueEmail,
  until,
  usd,
} from './support/browser';

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** fee(total) × cumulative / total rounded down (the server's split of the fee across releases). */
const feeShare = (total: number, fee: number, before: number, part: number) =>
  Math.floor((fee * Math.min(before + part, total)) / total) - Math.floor((fee * before) / total);

describe('the collaboration workflow in the browser (company, influencer and admin side by side)', () => {
  let ctx: TestContext;
  let browser: Browser;
  let company: Actor;
  let influencer: Actor;
  const others: Actor[] = [];
  const companyEmail = uniqueEmail('company');
  const influencerEmail = uniqueEmail('influencer');
  let collaborationId = '';
  let disputeId = '';

  const milestone = (page: Page, title: string) => page.locator('li.milestone', { hasText: title });

  beforeAll(async () => {
    ctx = await createTestContext({ label: 'e2e-workflow', env: spaEnv() });
    browser = await launchBrowser();
    company = await newActor(browser, ctx.baseUrl, 'company');
    influencer = await newActor(browser, ctx.baseUrl, 'influencer');
  });

  afterAll(async () => {
    await browser?.close();
    await ctx?.close();
  });

  test('find by handle, propose, accept live, pay, submit, request changes, resubmit, approve: wallet credited live', async () => {
    const bps = ctx.config.platformFeeBps;
    // --- the influencer signs up with a handle; the company signs up
    await influencer.page.goto('/sign-up');
    await influencer.page.getByLabel('Influencer').check();
    await influencer.page.getByLabel('Name').fill('Jenny Rosen');
    await influencer.page.getByLabel('Handle (optional)').fill('jenny.makes');
    await influencer.page.getByLabel('Email').fill(influencerEmail);
    await influencer.page.getByLabel('Password').fill(PASSWORD);
    await influencer.page.getByRole('button', { name: 'Create account' }).click();
    await until(async () => (await influencer.page.getByTestId('current-user').getAttribute('data-role')) === 'influencer', 'influencer signed in');
    await signUp(company.page, { role: 'company', name: 'Bright Brands', email: companyEmail });
    await expectLive(company.page);
    await expectLive(influencer.page);

    // --- the company finds her by handle and proposes $1,000.00 in two milestones, 5 days of review
    await company.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'New proposal' }).click();
    await pickInfluencer(company.page, 'jenny.ma', /@jenny\.makes/);
    await expectText(company.page.getByTestId('chosen-influencer'), /Jenny Rosen \(@jenny\.makes\)/);
    await company.page.getByLabel('Title', { exact: true }).fill('Autumn reel');
    await company.page.getByLabel('Amount', { exact: true }).fill('1000.00');
    const fee = Math.round((100000 * bps) / 10000);
    await expectText(company.page.getByTestId('fee-preview-fee'), usd(fee));
    await expectText(company.page.getByTestId('fee-preview-net'), usd(100000 - fee));
    await company.page.getByLabel('Review period (days)').fill('5');
    await company.page.getByRole('button', { name: 'Add milestone' }).click();
    await company.page.getByLabel('Milestone 1 title').fill('Draft cut');
    await company.page.getByLabel('Milestone 1 amount').fill('400.00');
    await company.page.getByRole('button', { name: 'Add milestone' }).click();
    await company.page.getByLabel('Milestone 2 title').fill('Final cut');
    await company.page.getByLabel('Milestone 2 amount').fill('600.00');
    await screenshot(company.page, 'wf-01-propose');
    await company.page.getByRole('button', { name: 'Propose collaboration' }).click();
    await company.page.waitForURL(/\/collaborations\/[0-9a-f-]{36}$/);
    collaborationId = company.page.url().split('/').pop()!;
    await expectText(company.page.getByTestId('collaboration-net'), usd(100000 - fee));

    // --- the influencer's dashboard shows it live (no reload) and she accepts
    await expectVisible(influencer.page.getByTestId(`proposal-${collaborationId}`));
    await expectToast(influencer, 'New proposal');
    await influencer.page.getByTestId(`accept-${collaborationId}`).click();
    await expectStatus(company.page.getByTestId('collaboration-status'), 'ACCEPTED');
    await expectText(company.page.getByTestId('collaboration-status'), 'Accepted — awaiting payment');

    // --- the company pays with 4242
    await company.page.getByRole('button', { name: 'Pay now' }).click();
    await company.page.waitForURL(`**/payments/checkout/${collaborationId}`);
    await fillCard(company.page, '4242 4242 4242 4242');
    await company.page.getByRole('button', { name: 'Pay', exact: true }).click();
    await company.page.waitForURL(new RegExp(`/payments/result/${collaborationId}`));
    await expectStatus(company.page.getByTestId('payment-status'), 'HELD', 30_000);
    await company.page.getByRole('link', { name: 'Back to the collaboration' }).click();
    await expectStatus(company.page.getByTestId('payment-status'), 'HELD');
    await expectText(company.page.getByTestId('payment-status'), 'Held in escrow');

    // --- the influencer submits the draft; the company sees it live with the review countdown
    await influencer.page.goto(`/collaborations/${collaborationId}`);
    const draftI = milestone(influencer.page, 'Draft cut');
    await expectText(draftI.locator('.milestone-words'), 'Not submitted yet');
    await draftI.getByLabel('What you delivered').fill('First cut, 45 seconds.');
    await draftI.getByLabel('Links (optional, one per line)').fill('https://example.com/draft-1');
    await draftI.getByRole('button', { name: 'Submit work' }).click();
    const draftC = milestone(company.page, 'Draft cut');
    await expectText(draftC.locator('.milestone-words'), 'Submitted: waiting for your review');
    await expectStatus(draftC.locator('.badge'), 'SUBMITTED');
    await expectText(draftC.locator('.badge'), 'Waiting for review');
    await expectText(draftC.locator('.countdown'), /^4 days 23 hours left to review/);
    await expectText(draftI.locator('.countdown'), /left to review \(the company\)/);
    await expectToast(company, 'Work submitted');
    await screenshot(company.page, 'wf-02-review');

    // --- the company asks for changes; the influencer sees them live and resubmits
    await draftC.getByRole('button', { name: 'Request changes' }).click();
    const changes = company.page.getByRole('dialog', { name: 'Request changes' });
    await expectText(changes.locator('.dialog-description'), /3 rounds of changes left/);
    await changes.getByLabel('What should change').fill('Please shorten the intro.');
    await changes.getByRole('button', { name: 'Send change request' }).click();
    await expectText(draftI.locator('.milestone-words'), 'Changes requested: resubmit when ready');
    await expectVisible(draftI.getByText('Please shorten the intro.'));
    await expectToast(influencer, 'Changes requested');
    await draftI.getByLabel('What you delivered').fill('Shorter intro, 30 seconds.');
    await draftI.getByRole('button', { name: 'Resubmit work' }).click();
    await expectText(draftC.locator('.milestone-words'), 'Submitted: waiting for your review');
    await expectText(draftC.locator('.hint').filter({ hasText: 'round' }), '2 rounds of changes left');
    await expectVisible(draftC.getByText('Shorter intro, 30 seconds.'));

    // --- the influencer watches her wallet while the company approves: credited live
    await influencer.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Wallet' }).click();
    await expectVisible(influencer.page.getByText('No earnings yet'));
    const draftFee = feeShare(100000, fee, 0, 40000);
    await draftC.getByRole('button', { name: 'Approve' }).click();
    const approve = company.page.getByRole('dialog', { name: 'Approve milestone' });
    await expectText(approve.getByTestId('approve-summary'), new RegExp(`the influencer receives ${esc(usd(40000 - draftFee))}`));
    await expectText(approve.getByTestId('confirm-gross'), usd(40000));
    await expectText(approve.getByTestId('confirm-fee'), `− ${usd(draftFee)}`);
    await expectText(approve.getByTestId('confirm-net'), usd(40000 - draftFee));
    await expectText(approve.getByTestId('confirm-action'), `Approve and release ${usd(40000)}`);
    await screenshot(company.page, 'wf-03-approve');
    await confirmIn(company.page);
    await expectText(draftC.locator('.milestone-words'), 'Approved and paid out');
    await expectStatus(draftC.locator('.badge'), 'RELEASED');
    await expectText(influencer.page.getByTestId('wallet-available-usd'), usd(40000 - draftFee), 20_000);
    await expectToast(influencer, 'Wallet credited');
  });

  test('a dispute: the company opens it, both talk, an admin resolves it with an exact split, both see it live', async () => {
    // --- the company disputes the final cut; the influencer's collaboration page shows the frozen money live
    await influencer.page.goto(`/collaborations/${collaborationId}`);
    await expectVisible(milestone(influencer.page, 'Final cut'));
    await company.page.getByRole('button', { name: 'Open a dispute' }).click();
    await company.page.getByLabel('What is in dispute').selectOption({ label: `Final cut (${usd(60000)})` });
    await company.page.getByRole('button', { name: 'Open dispute' }).click();
    await expectText(company.page.locator('#dispute-reason-error'), 'Choose a reason');
    await company.page.getByLabel('Reason').selectOption('quality');
    await company.page.getByLabel('Details').fill('The final cut uses last year’s logo.');
    await company.page.getByRole('button', { name: 'Open dispute' }).click();
    await expectText(company.page.getByTestId('frozen-notice'), /\$600\.00 is frozen by an open dispute on “Final cut”/);
    await expectText(influencer.page.getByTestId('frozen-notice'), /\$600\.00 is frozen/);
    await expectToast(influencer, 'Dispute updated');
    await expectText(milestone(influencer.page, 'Final cut').locator('.milestone-words'), 'Frozen by a dispute');
    await expectStatus(milestone(influencer.page, 'Final cut').locator('.badge'), 'DISPUTED');

    // --- both open the thread; the influencer answers, the company sees it live
    await influencer.page.getByTestId('collaboration-disputes').getByRole('link').first().click();
    await influencer.page.waitForURL(/\/disputes\/[0-9a-f-]{36}$/);
    disputeId = influencer.page.url().split('/').pop()!;
    await company.page.goto(`/disputes/${disputeId}`);
    await expectStatus(company.page.getByTestId('dispute-status'), 'OPEN');
    await expectText(company.page.getByTestId('dispute-status'), 'Open');
    expect(await influencer.page.getByRole('button', { name: 'Withdraw dispute' }).count()).toBe(0);
    await expectVisible(company.page.getByRole('button', { name: 'Withdraw dispute' }));
    await influencer.page.getByLabel('Message', { exact: true }).fill('I will swap the logo; please release half now.');
    await influencer.page.getByRole('button', { name: 'Send message' }).click();
    await expectVisible(company.page.getByTestId('dispute-message').filter({ hasText: 'please release half now' }));
    await screenshot(influencer.page, 'wf-04-dispute-thread');

    // --- an admin resolves from the queue: the split must add up exactly
    const admin = await ctx.user('admin', 'Ada Admin');
    const a = await newActor(browser, ctx.baseUrl, 'admin');
    others.push(a);
    await signIn(a.page, admin.email);
    await a.page.waitForURL(/\/admin$/);
    const queue = a.page.getByTestId('dispute-queue');
    await expectVisible(queue.getByTestId(`dispute-${disputeId}`));
    await screenshot(a.page, 'wf-05-admin');
    await queue.getByTestId(`dispute-${disputeId}`).getByRole('link').click();
    await a.page.waitForURL(`**/disputes/${disputeId}`);
    await a.page.getByLabel('Release to the influencer').fill('300.00');
    await a.page.getByLabel('Refund to the company').fill('299.99');
    await a.page.getByLabel('Decision (both parties see it)').fill('Half each: the logo is fixed, the delay is not.');
    await a.page.getByRole('button', { name: 'Resolve dispute' }).click();
    await expectText(a.page.locator('#resolve-sum'), /add up to \$599\.99; they must add up to exactly \$600\.00 \(\$0\.01 unassigned\)/);
    await a.page.getByLabel('Refund to the company').fill('');
    await a.page.getByRole('button', { name: 'Rest to company' }).click();
    await expectText(a.page.getByTestId('resolve-total'), 'Assigned $600.00 of $600.00');
    await screenshot(a.page, 'wf-06-resolve');
    await a.page.getByRole('button', { name: 'Resolve dispute' }).click();
    const confirmResolve = a.page.getByRole('dialog', { name: 'Resolve dispute' });
    await expectText(confirmResolve.getByTestId('resolve-summary'), /^\$300\.00 goes to the influencer[\s\S]*\$300\.00 goes back to the company/);
    await confirmIn(a.page);
    await expectStatus(a.page.getByTestId('dispute-status'), 'RESOLVED', 30_000);

    // --- both parties see the outcome live on the thread they have open
    for (const party of [company, influencer]) {
      await expectStatus(party.page.getByTestId('dispute-status'), 'RESOLVED', 30_000);
      await expectText(party.page.getByTestId('dispute-status'), 'Resolved');
      await expectText(party.page.getByTestId('dispute-resolution'), /\$300\.00 released to the influencer[\s\S]*\$300\.00 refunded to the company/);
      await expectToast(party, 'Dispute resolved');
    }
    await screenshot(company.page, 'wf-07-resolved');
    // the resolution is in the audit log
    await a.page.goto('/admin');
    await expectText(a.page.getByTestId('audit-log').locator('li').filter({ hasText: 'dispute.resolve' }), new RegExp(`dispute ${disputeId}`));
  });

  test('an influencer invited by email sees the proposal as soon as she signs up', async () => {
    const invited = uniqueEmail('invited');
    await company.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'New proposal' }).click();
    await company.page.getByLabel('Invite by email').check();
    await company.page.getByLabel("Influencer's email").fill(invited);
    await company.page.getByLabel('Title', { exact: true }).fill('Winter teaser');
    await company.page.getByLabel('Amount', { exact: true }).fill('250.00');
    await company.page.getByRole('button', { name: 'Propose collaboration' }).click();
    await company.page.waitForURL(/\/collaborations\/[0-9a-f-]{36}$/);
    const id = company.page.url().split('/').pop()!;
    await expectText(company.page.getByTestId('collaboration-influencer'), new RegExp(`Invited: ${esc(invited)}`));

    const newcomer = await newActor(browser, ctx.baseUrl, 'invited');
    others.push(newcomer);
    await signUp(newcomer.page, { role: 'influencer', name: 'Nora New', email: invited });
    await expectText(newcomer.page.getByTestId(`proposal-${id}`), /Winter teaser[\s\S]*\$250\.00/);
    // the company's page follows: the influencer is now named
    await expectText(company.page.getByTestId('collaboration-influencer'), /Nora New/, 20_000);
  });

  test('the new screens fit a 375 px phone', async () => {
    const phone = await newActor(browser, ctx.baseUrl, 'company-phone', { width: 375, height: 812 });
    const phoneI = await newActor(browser, ctx.baseUrl, 'influencer-phone', { width: 375, height: 812 });
    others.push(phone, phoneI);
    try {
      const fits = async (p: Actor, name: string) => {
        await screenshot(p.page, `wf-375-${name}`);
        expect({ screen: name, overflow: await horizontalOverflow(p.page) }).toEqual({ screen: name, overflow: 0 });
      };
      await signIn(phone.page, companyEmail);
      await phone.page.goto('/collaborations/new');
      await phone.page.getByRole('combobox', { name: 'Influencer' }).fill('jenny');
      await expectVisible(phone.page.getByRole('option', { name: /Jenny Rosen/ }));
      await phone.page.getByLabel('Amount', { exact: true }).fill('1234.56');
      await expectVisible(phone.page.getByTestId('fee-preview'));
      await fits(phone, '01-propose');
      await phone.page.goto(`/collaborations/${collaborationId}`);
      await expectVisible(phone.page.locator('li.milestone').first());
      await fits(phone, '02-collaboration');
      await phone.page.goto(`/disputes/${disputeId}`);
      await expectStatus(phone.page.getByTestId('dispute-status'), 'RESOLVED');
      await fits(phone, '03-dispute');
      await signIn(phoneI.page, influencerEmail);
      await phoneI.page.goto(`/collaborations/${collaborationId}`);
      await expectVisible(phoneI.page.locator('li.milestone').first());
      await fits(phoneI, '04-collaboration-influencer');
      await phoneI.page.goto('/wallet');
      await expectVisible(phoneI.page.getByTestId('wallet-available-usd'));
      await fits(phoneI, '05-wallet');
    } finally {
      await phone.context.close();
      await phoneI.context.close();
    }
  });

  test('no uncaught errors, console errors or 5xx answers in the browser during the run', () => {
    expect([company, influencer, ...others].flatMap((a) => a.problems)).toEqual([]);
  });
});
