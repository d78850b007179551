import { ConnectService } from '../../src/modules/connect/connect.service';
import { payWith, proposeAndAccept } from '../support/flows';
import { createTestContext, TestContext, TestUser } from '../support/test-app';
import { onboard, PAYOUT_DELAYS } from '../wallet/support';
import { T } from './call-sites';
import { byMetadata, expectFaultsSpent, expectOwnKeys, fault, loseEveryAttempt, loseFirstAnswer, sdkAttempts, StripeWire } from './support';

/** The Stripe calls of Connect requirements/settings and of the wallet's funds availability, under injected faults. */
describe('Stripe fault injection: login links, payout schedules, account lookups and charge funds', () => {
  let ctx: TestContext;
  let company: TestUser;
  let wire: StripeWire;

  beforeAll(async () => {
    ctx = await createTestContext({ label: 'faults-wallet', env: { PAYOUT_RECONCILE_INTERVAL_MS: '0' }, emulator: { delays: PAYOUT_DELAYS } });
    company = await ctx.user('company', 'Acme');
    wire = StripeWire.of(ctx);
  });
  afterEach(() => {
    ctx.emulator.faults.clear();
    wire.clear();
  });
  afterAll(async () => {
    wire?.detach();
    await ctx?.close();
  });

  it(T.loginLink, async () => {
    const ava = await ctx.user('influencer', 'Ava');
    await onboard(ctx, ava);
    loseFirstAnswer(ctx, 'POST', '^/v1/accounts/[^/]+/login_links$');
    const first = await ctx.http.post('/api/connect/login-link', {}, { token: ava.token });
    expect([first.status, typeof first.body.url]).toEqual([201, 'string']);
    expectFaultsSpent(ctx);
    // the SDK's retry carried the same key as the lost attempt
    const sent = wire.posts(/^\/v1\/accounts\/[^/]+\/login_links$/);
    expect(sent).toHaveLength(2);
    expect(new Set(sent.map((r) => r.idempotencyKey)).size).toBe(1);
    expectOwnKeys(sent, 'collabpay-login-link-');
    loseEveryAttempt(ctx, 'POST', '^/v1/accounts/[^/]+/login_links$');
    expect((await ctx.http.post('/api/connect/login-link', {}, { token: ava.token })).status).toBe(502);
    expectFaultsSpent(ctx);
    expect((await ctx.http.post('/api/connect/login-link', {}, { token: ava.token })).status).toBe(201);
  });

  it(T.manualSchedule, async () => {
    const ben = await ctx.user('influencer', 'Ben');
    const accountId = await onboard(ctx, ben);
    await ctx.stripe.accounts.update(accountId, { settings: { payouts: { schedule: { interval: 'daily' } } } });
    const connect = ctx.app.get(ConnectService);
    loseEveryAttempt(ctx, 'POST', `^/v1/accounts/${accountId}$`);
    await expect(connect.refresh(accountId)).rejects.toThrow();
    expectFaultsSpent(ctx);
    expect((await connect.refresh(accountId))?.status).toBe('ACTIVE');
    expect((await ctx.stripe.accounts.retrieve(accountId)).settings?.payouts?.schedule?.interval).toBe('manual');
    expectOwnKeys(wire.posts(new RegExp(`^/v1/accounts/${accountId}$`)), `collabpay-account-manual-${accountId}-`);
  });

  it(T.oldReservation, async () => {
    const cleo = await ctx.user('influencer', 'Cleo');
    await ctx.db.query(`INSERT INTO connected_accounts (user_id, status, created_at) VALUES ($1, 'PENDING', now() - interval '25 hours')`, [cleo.id]);
    const made = await ctx.stripe.accounts.create({ type: 'express', email: cleo.email, metadata: { user_id: cleo.id } });
    // the lookup fails: nothing is created in its place
    fault(ctx, { method: 'GET', path: '^/v1/accounts$', mode: 'error_before', times: sdkAttempts(ctx) });
    expect((await ctx.http.post('/api/connect/account', {}, { token: cleo.token })).status).toBe(502);
    expectFaultsSpent(ctx);
    expect(wire.posts(/^\/v1\/accounts$/)).toEqual([]);
    const res = await ctx.http.post('/api/connect/account', {}, { token: cleo.token });
    expect([res.status, res.body.accountId]).toEqual([201, made.id]);
    const mine = (await ctx.stripe.accounts.list({ limit: 100 }).autoPagingToArray({ limit: 10_000 })).filter(byMetadata('user_id', cleo.id));
    expect(mine.map((a) => a.id)).toEqual([made.id]);
  });

  it(T.chargeFunds, async () => {
    const dan = await ctx.user('influencer', 'Dan');
    await onboard(ctx, dan);
    const { collaboration, paymentId } = await proposeAndAccept(ctx, company, dan, { amount: 10000 });
    await payWith(ctx, company, collaboration.id, 'pm_card_bypassPending');
    expect((await ctx.http.post(`/api/payments/collaboration/${collaboration.id}/release`, {}, { token: company.token })).status).toBe(200);
    const [{ charge }] = await ctx.db.query(`SELECT stripe_charge_id AS charge FROM payments WHERE id = $1`, [paymentId]);
    for (const mode of ['error_before', 'reset_before'] as const) {
      // the balance read, the payout's read and its forced re-read all fail
      fault(ctx, { method: 'GET', path: `^/v1/charges/${charge}$`, mode, times: 3 * sdkAttempts(ctx) });
      const b = await ctx.http.get('/api/wallet/balance', { token: dan.token });
      expect([b.status, b.body.balances[0].available, b.body.balances[0].availableForPayout]).toEqual([200, 9000, 0]);
      const p = await ctx.http.post('/api/wallet/payout', { amount: 9000, currency: 'usd' }, { token: dan.token });
      expect([p.status, p.body.code]).toEqual([409, 'FUNDS_NOT_YET_AVAILABLE']);
      expectFaultsSpent(ctx);
      ctx.emulator.faults.clear();
    }
    const ok = await ctx.http.get('/api/wallet/balance', { token: dan.token });
    expect(ok.body.balances[0]).toMatchObject({ available: 9000, availableForPayout: 9000 });
  });
});
