import { payWith, proposeAndAccept } from '../support/flows';
import { eventually, TestContext, TestUser } from '../support/test-app';

export const OK_BANK = '000123456789';
export const NO_ACCOUNT_BANK = '000111111116';

/** Payouts settle only when a test advances the emulator's clock (`settlePayouts`), never on their own mid-assertion. */
export const PAYOUT_DELAYS = { payoutMs: 600_000, processingMs: 200 };

/** The row as the webhook left it (reads the table, so that GET /status's own refresh from Stripe is not involved). */
export async function connectRow(
  ctx: TestContext,
  userId: string,
): Promise<{ status: string; payouts_enabled: boolean; stripe_account_id: string } | undefined> {
  const [row] = await ctx.db.query(`SELECT status, payouts_enabled, stripe_account_id FROM connected_accounts WHERE user_id = $1`, [userId]);
  return row;
}

/** Fills in and submits the emulator's hosted onboarding page over plain HTTP, as a browser would. */
export async function completeHostedOnboarding(linkUrl: string, accountNumber = OK_BANK): Promise<Response> {
  const page = await fetch(linkUrl, { redirect: 'manual' });
  if (page.status !== 200) throw new Error(`onboarding page answered ${page.status}`);
  const html = await page.text();
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
  if (!action) throw new Error('no onboarding form on the page');
  if (!html.includes(`value="${accountNumber}"`)) throw new Error(`the page does not offer bank account ${accountNumber}`);
  const form = new URLSearchParams({
    first_name: 'Ava',
    last_name: 'Influencer',
    email: 'ava@example.com',
    routing_number: '110000000',
    account_number: accountNumber,
  });
  return fetch(new URL(action, linkUrl), { method: 'POST', body: form, headers: { 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual' });
}

/** Create account → account link → hosted onboarding → account.updated (real webhook delivery) → ACTIVE. */
export async function onboard(ctx: TestContext, influencer: TestUser, accountNumber = OK_BANK): Promise<string> {
  const created = await ctx.http.post('/api/connect/account', {}, { token: influencer.token });
  if (created.status !== 201) throw new Error(`create account: ${created.status} ${JSON.stringify(created.body)}`);
  const link = await ctx.http.post(
    '/api/connect/account-link',
    { returnUrl: `${ctx.baseUrl}/connect/return`, refreshUrl: `${ctx.baseUrl}/connect/refresh` },
    { token: influencer.token },
  );
  if (link.status !== 201) throw new Error(`account link: ${link.status} ${JSON.stringify(link.body)}`);
  const done = await completeHostedOnboarding(link.body.url, accountNumber);
  if (done.status !== 302 || done.headers.get('location') !== `${ctx.baseUrl}/connect/return`)
    throw new Error(`onboarding submit answered ${done.status} → ${done.headers.get('location')}`);
  await eventually(async () => (await connectRow(ctx, influencer.id))?.status === 'ACTIVE', 10_000, 'account.updated → ACTIVE');
  return created.body.accountId;
}

/**
 * A paid collaboration fully released: the influencer's wallet is credited amount less the 10% platform fee. Paid with
 * Stripe's 4000000000000077 test card, whose funds are available at once, so that the money is payable right away
 * (payments with 4242, pending for two days, are in stripe-funds.spec.ts).
 */
export async function earn(ctx: TestContext, company: TestUser, influencer: TestUser, amount = 150000, title = 'Spring campaign') {
  const { collaboration } = await proposeAndAccept(ctx, company, influencer, { amount, title });
  const paid = await payWith(ctx, company, collaboration.id, 'pm_card_bypassPending');
  if (paid.payment.status !== 'HELD') throw new Error(`payment not held: ${JSON.stringify(paid.payment)}`);
  const r = await ctx.http.post(`/api/payments/collaboration/${collaboration.id}/release`, {}, { token: company.token });
  if (r.status !== 200) throw new Error(`release: ${r.status} ${JSON.stringify(r.body)}`);
  return collaboration;
}

export async function payoutStatus(ctx: TestContext, influencer: TestUser, id: string): Promise<any> {
  const r = await ctx.http.get(`/api/wallet/payouts/${id}`, { token: influencer.token });
  return r.body;
}

/** Lets the emulator's payout timers fire and the resulting webhooks land. */
export async function settlePayouts(ctx: TestContext) {
  await ctx.emulator.advanceTime();
  await ctx.emulator.flushWebhooks();
}
