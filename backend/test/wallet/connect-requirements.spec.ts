import { createTestContext, eventually, TestContext, TestUser } from '../support/test-app';
import { completeHostedOnboarding, earn, onboard, PAYOUT_DELAYS } from './support';

const DAY_S = 86_400;

/**
 * Connect requirements as Stripe reports them: fields due by a deadline, past due after it (payouts disabled with a
 * reason), `account.updated` on the Connect endpoint each time; CollabPay surfaces them and refuses payouts while
 * paused; completing the update through a new account link resumes payouts. Real webhooks and the emulator's clock.
 */
describe('Connect requirements, deadlines and paused payouts (Stripe emulator)', () => {
  let ctx: TestContext;
  let company: TestUser;

  beforeAll(async () => {
    ctx = await createTestContext({ label: 'requirements', env: { PAYOUT_RECONCILE_INTERVAL_MS: '0' }, emulator: { delays: PAYOUT_DELAYS } });
    company = await ctx.user('company', 'Acme');
  });
  afterAll(() => ctx?.close());

  const emulatorNow = async () => (await (await fetch(`${ctx.emulator.url}/_emulator/clock`)).json()).now as number;
  const row = async (userId: string) =>
    (
      await ctx.db.query(
        `SELECT status, payouts_enabled AS "payoutsEnabled", requirements_due AS due, past_due AS "pastDue", current_deadline::float8 AS deadline,
                disabled_reason AS reason FROM connected_accounts WHERE user_id = $1`,
        [userId],
      )
    )[0];

  it('due by a deadline → reported; past the deadline → paused with the reason, payouts refused; updated → resumed', async () => {
    const ava = await ctx.user('influencer', 'Ava');
    const token = ava.token;
    const accountId = await onboard(ctx, ava);
    await earn(ctx, company, ava, 20000);
    expect((await ctx.http.get('/api/connect/status', { token })).body).toMatchObject({
      status: 'ACTIVE',
      payoutsEnabled: true,
      disabledReason: null,
      currentDeadline: null,
      pastDue: [],
    });

    // Stripe asks for an ID document within a week
    const deadline = (await emulatorNow()) + 7 * DAY_S;
    const set = await fetch(`${ctx.emulator.url}/_emulator/accounts/${accountId}/requirements`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ 'currently_due[]': 'individual.verification.document', current_deadline: String(deadline) }),
    });
    expect(set.status).toBe(200);
    await eventually(async () => (await row(ava.id))?.deadline === deadline, 10_000, 'account.updated with the deadline');
    expect((await ctx.http.get('/api/connect/status', { token })).body).toMatchObject({
      status: 'ACTIVE',
      payoutsEnabled: true,
      requirementsDue: ['individual.verification.document'],
      currentDeadline: new Date(deadline * 1000).toISOString(),
      pastDue: [],
      disabledReason: null,
    });
    const before = await ctx.http.post('/api/wallet/payout', { amount: 5000, currency: 'usd' }, { token });
    expect([before.status, before.body.status]).toEqual([201, 'IN_TRANSIT']);

    // the deadline passes without the document: past due, payouts disabled, account.updated
    await ctx.emulator.advanceTime(8 * DAY_S * 1000);
    await eventually(async () => (await row(ava.id))?.status === 'RESTRICTED', 10_000, 'account.updated → RESTRICTED');
    expect(await row(ava.id)).toMatchObject({
      payoutsEnabled: false,
      pastDue: ['individual.verification.document'],
      deadline: null,
      reason: 'requirements.past_due',
    });
    expect((await ctx.http.get('/api/connect/status', { token })).body).toMatchObject({
      status: 'RESTRICTED',
      payoutsEnabled: false,
      disabledReason: 'requirements.past_due',
      pastDue: ['individual.verification.document'],
      currentDeadline: null,
    });
    const paused = await ctx.http.post('/api/wallet/payout', { amount: 5000, currency: 'usd' }, { token });
    expect([paused.status, paused.body.code]).toEqual([409, 'PAYOUTS_NOT_ENABLED']);
    // the ways to fix it: the Express dashboard, or an account update link back to our own origin
    const login = await ctx.http.post('/api/connect/login-link', {}, { token });
    expect([login.status, typeof login.body.url]).toEqual([201, 'string']);
    const link = await ctx.http.post(
      '/api/connect/account-link',
      { returnUrl: `${ctx.baseUrl}/connect/return`, refreshUrl: `${ctx.baseUrl}/connect/refresh` },
      { token },
    );
    expect(link.status).toBe(201);
    const done = await completeHostedOnboarding(link.body.url);
    expect(done.status).toBe(302);
    await eventually(async () => (await row(ava.id))?.status === 'ACTIVE', 10_000, 'account.updated → ACTIVE again');
    expect((await ctx.http.get('/api/connect/status', { token })).body).toMatchObject({
      status: 'ACTIVE',
      payoutsEnabled: true,
      requirementsDue: [],
      pastDue: [],
      disabledReason: null,
    });
    const after = await ctx.http.post('/api/wallet/payout', { amount: 5000, currency: 'usd' }, { token });
    expect([after.status, after.body.status]).toEqual([201, 'IN_TRANSIT']);
  });

  it('an account found on automatic payouts (made before, or changed since) is put back on manual payouts', async () => {
    const ben = await ctx.user('influencer', 'Ben');
    const accountId = await onboard(ctx, ben);
    await ctx.stripe.accounts.update(accountId, { settings: { payouts: { schedule: { interval: 'daily' } } } });
    // our copy is old: the next status read refreshes it from Stripe
    await ctx.db.query(`UPDATE connected_accounts SET synced_at = now() - interval '2 hours' WHERE user_id = $1`, [ben.id]);
    expect((await ctx.http.get('/api/connect/status', { token: ben.token })).body.status).toBe('ACTIVE');
    expect((await ctx.stripe.accounts.retrieve(accountId)).settings?.payouts?.schedule?.interval).toBe('manual');
  });
});
