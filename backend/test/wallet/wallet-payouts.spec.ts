import { Accounts } from '../../src/modules/ledger/domain/accounts';
import { LedgerService } from '../../src/modules/ledger/ledger.service';
import { payoutKey, PayoutExecutionService, transferGroup, transferKey } from '../../src/modules/payouts/payout-execution.service';
import { PayoutRepository } from '../../src/modules/payouts/payout.repository';
import { WalletCreditsRepository } from '../../src/modules/wallet/wallet-credits.repository';
import { WalletFundsService } from '../../src/modules/wallet/wallet-funds.service';
import { balance, expectLedgerClean, payWith, proposeAndAccept } from '../support/flows';
import { createTestContext, eventually, TestContext, TestUser } from '../support/test-app';
import { completeHostedOnboarding, connectRow, earn, NO_ACCOUNT_BANK, onboard, PAYOUT_DELAYS, payoutStatus, settlePayouts } from './support';

describe('wallet, Connect onboarding and payouts (real Postgres, Redis, webhooks and the Stripe emulator)', () => {
  let ctx: TestContext;
  let company: TestUser;

  beforeAll(async () => {
    ctx = await createTestContext({ label: 'wallet', env: { PAYOUT_RECONCILE_INTERVAL_MS: '0' }, emulator: { delays: PAYOUT_DELAYS } });
    company = await ctx.user('company', 'Acme');
  });
  afterAll(() => ctx?.close());

  it('onboards an influencer to ACTIVE through the hosted page and account.updated; payouts before that are refused', async () => {
    const ava = await ctx.user('influencer', 'Ava');
    const token = ava.token;

    // the routes are the influencer's only
    expect((await ctx.http.get('/api/connect/status', { token: company.token })).status).toBe(403);
    expect((await ctx.http.post('/api/connect/account', {}, { token: company.token })).status).toBe(403);
    expect((await ctx.http.get('/api/connect/status')).status).toBe(401);

    expect((await ctx.http.get('/api/connect/status', { token })).body).toEqual({
      status: 'NOT_STARTED',
      payoutsEnabled: false,
      requirementsDue: [],
      disabledReason: null,
      currentDeadline: null,
      pastDue: [],
    });
    const own = (path: string) => `${ctx.baseUrl}${path}`;
    const noAccount = await ctx.http.post('/api/connect/account-link', { returnUrl: own('/r'), refreshUrl: own('/f') }, { token });
    expect(noAccount.status).toBe(409);
    expect(noAccount.body.code).toBe('CONNECT_ACCOUNT_MISSING');

    // money in the wallet, but no payout account yet
    await earn(ctx, company, ava, 20000);
    const early = await ctx.http.post('/api/wallet/payout', { amount: 5000, currency: 'usd' }, { token });
    expect(early.status).toBe(409);
    expect(early.body.code).toBe('PAYOUTS_NOT_ENABLED');

    const created = await ctx.http.post('/api/connect/account', {}, { token });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ accountId: expect.stringMatching(/^acct_/), status: 'PENDING' });
    const again = await ctx.http.post('/api/connect/account', {}, { token });
    expect(again.body.accountId).toBe(created.body.accountId);
    const acct = await ctx.stripe.accounts.retrieve(created.body.accountId);
    expect(acct).toMatchObject({ type: 'express', metadata: { user_id: ava.id }, email: ava.email });

    const pending = await ctx.http.get('/api/connect/status', { token });
    expect(pending.body).toMatchObject({ status: 'PENDING', payoutsEnabled: false });
    expect(pending.body.requirementsDue).toEqual(expect.arrayContaining(['external_account', 'tos_acceptance.date']));
    const stillEarly = await ctx.http.post('/api/wallet/payout', { amount: 5000, currency: 'usd' }, { token });
    expect(stillEarly.status).toBe(409);
    expect(stillEarly.body.code).toBe('PAYOUTS_NOT_ENABLED');

    for (const bad of [
      { returnUrl: 'javascript:alert(1)', refreshUrl: own('/f') },
      { returnUrl: own('/r'), refreshUrl: '/relative' },
      { returnUrl: 'ftp://x.test/r', refreshUrl: own('/f') },
    ]) {
      const r = await ctx.http.post('/api/connect/account-link', bad, { token });
      expect(r.status).toBe(400);
      expect(r.body.code).toBe('INVALID_URL');
    }
    const missing = await ctx.http.post('/api/connect/account-link', { returnUrl: own('/r') }, { token });
    expect(missing.status).toBe(400);

    // Stripe sends the influencer back to these URLs: only the app's own origin (PUBLIC_URL) is accepted
    for (const foreign of [
      { returnUrl: 'https://evil.example/connect/return', refreshUrl: own('/connect/refresh') },
      { returnUrl: own('/connect/return'), refreshUrl: 'https://evil.example/connect/refresh' },
      { returnUrl: own('/connect/return').replace('127.0.0.1', 'localhost'), refreshUrl: own('/connect/refresh') },
    ]) {
      const r = await ctx.http.post('/api/connect/account-link', foreign, { token });
      expect([r.status, r.body.code]).toEqual([400, 'INVALID_REDIRECT_URL']);
    }
    const link = await ctx.http.post('/api/connect/account-link', { returnUrl: own('/connect/return'), refreshUrl: own('/connect/refresh') }, { token });
    expect(link.status).toBe(201);
    expect(link.body.url).toMatch(/\/connect\/onboarding\//);
    const submitted = await completeHostedOnboarding(link.body.url);
    expect(submitted.status).toBe(302);
    expect(submitted.headers.get('location')).toBe(own('/connect/return'));

    // account.updated arrives through the real webhook endpoint and queue, and makes the account ACTIVE
    await eventually(async () => (await connectRow(ctx, ava.id))?.status === 'ACTIVE', 10_000, 'account.updated');
    expect(await connectRow(ctx, ava.id)).toMatchObject({ status: 'ACTIVE', payouts_enabled: true, stripe_account_id: created.body.accountId });
    const [ev] = await ctx.db.query(`SELECT status FROM webhook_events WHERE type = 'account.updated' AND payload->>'account' = $1`, [created.body.accountId]);
    expect(ev.status).toBe('PROCESSED');
    const active = await ctx.http.get('/api/connect/status', { token });
    expect(active.body).toMatchObject({ status: 'ACTIVE', payoutsEnabled: true, requirementsDue: [], accountId: created.body.accountId });

    const ok = await ctx.http.post('/api/wallet/payout', { amount: 5000, currency: 'usd' }, { token });
    expect(ok.status).toBe(201);
    expect(ok.body.status).toBe('IN_TRANSIT');
  });

  it('release → payout → payout.paid → COMPLETED, with exact wallet figures, transactions and CSV', async () => {
    const ben = await ctx.user('influencer', 'Ben');
    const token = ben.token;
    const accountId = await onboard(ctx, ben);
    const collab = await earn(ctx, company, ben, 150000, 'Launch, "phase" 1');

    const b0 = await ctx.http.get('/api/wallet/balance', { token });
    expect(b0.body).toEqual({
      balances: [
        { currency: 'usd', available: 135000, pending: 0, totalEarned: 135000, totalWithdrawn: 0, owed: 0, availableForPayout: 135000, nextAvailableOn: null },
      ],
    });

    // validation and rules
    const cases: Array<[unknown, number, string]> = [
      [{ amount: 99, currency: 'usd' }, 400, 'AMOUNT_BELOW_MINIMUM'],
      [{ amount: 100.5, currency: 'usd' }, 400, 'INVALID_AMOUNT'],
      [{ amount: '5000', currency: 'usd' }, 400, 'INVALID_AMOUNT'],
      [{ amount: -5000, currency: 'usd' }, 400, 'INVALID_AMOUNT'],
      [{ amount: 5000, currency: 'xyz' }, 400, 'UNSUPPORTED_CURRENCY'],
      [{ amount: 5000 }, 400, 'VALIDATION_FAILED'],
      [{ currency: 'usd' }, 400, 'VALIDATION_FAILED'],
      [{ amount: 135001, currency: 'usd' }, 409, 'INSUFFICIENT_FUNDS'],
      [{ amount: 5000, currency: 'eur' }, 409, 'INSUFFICIENT_FUNDS'],
    ];
    for (const [body, status, code] of cases) {
      const r = await ctx.http.post('/api/wallet/payout', body, { token });
      expect({ body, status: r.status, code: r.body.code }).toEqual({ body, status, code });
    }
    expect((await ctx.http.post('/api/wallet/payout', { amount: 5000, currency: 'usd' }, { token: company.token })).status).toBe(403);
    expect(await balance(ctx, Accounts.walletAvailable(ben.id))).toBe(135000);

    const res = await ctx.http.post('/api/wallet/payout', { amount: 50000, currency: 'usd' }, { token, headers: { 'Idempotency-Key': `ben-payout-1` } });
    expect(res.status).toBe(201);
    const payout = res.body;
    expect(payout).toMatchObject({ id: expect.any(String), amount: 50000, currency: 'usd', status: 'IN_TRANSIT', requestedAt: expect.any(String) });
    expect(payout.completedAt).toBeUndefined();
    const replay = await ctx.http.post('/api/wallet/payout', { amount: 50000, currency: 'usd' }, { token, headers: { 'Idempotency-Key': `ben-payout-1` } });
    expect(replay.status).toBe(201);
    expect(replay.body.id).toBe(payout.id);
    const reused = await ctx.http.post('/api/wallet/payout', { amount: 40000, currency: 'usd' }, { token, headers: { 'Idempotency-Key': `ben-payout-1` } });
    expect(reused.status).toBe(422);
    expect(reused.body.code).toBe('IDEMPOTENCY_KEY_REUSED');

    // Stripe: one transfer to the connected account, one payout on it, both carrying the payout id
    const transfers = await ctx.stripe.transfers.list({ transfer_group: transferGroup(payout.id), limit: 10 });
    expect(transfers.data).toHaveLength(1);
    expect(transfers.data[0]).toMatchObject({ amount: 50000, currency: 'usd', destination: accountId, metadata: { payout_id: payout.id } });
    const stripePayouts = (await ctx.stripe.payouts.list({ limit: 100 }, { stripeAccount: accountId })).data;
    expect(stripePayouts).toHaveLength(1);
    expect(stripePayouts[0]).toMatchObject({ amount: 50000, currency: 'usd', metadata: { payout_id: payout.id } });

    const b1 = await ctx.http.get('/api/wallet/balance', { token });
    expect(b1.body.balances).toEqual([
      { currency: 'usd', available: 85000, pending: 50000, totalEarned: 135000, totalWithdrawn: 0, owed: 0, availableForPayout: 85000, nextAvailableOn: null },
    ]);

    await settlePayouts(ctx);
    const done = await eventually(async () => {
      const p = await payoutStatus(ctx, ben, payout.id);
      return p.status === 'COMPLETED' && p;
    });
    expect(done.completedAt).toEqual(expect.any(String));
    expect(await balance(ctx, Accounts.payoutsInTransit(ben.id))).toBe(0);
    const b2 = await ctx.http.get('/api/wallet/balance', { token });
    expect(b2.body.balances).toEqual([
      { currency: 'usd', available: 85000, pending: 0, totalEarned: 135000, totalWithdrawn: 50000, owed: 0, availableForPayout: 85000, nextAvailableOn: null },
    ]);

    const list = await ctx.http.get('/api/wallet/payouts', { token });
    expect(list.body).toEqual({ data: [expect.objectContaining({ id: payout.id, status: 'COMPLETED', amount: 50000, currency: 'usd' })], nextCursor: null });
    expect((await ctx.http.get('/api/wallet/payouts?status=FAILED', { token })).body.data).toEqual([]);

    // transactions: newest first, with balances before/after
    const tx = await ctx.http.get('/api/wallet/transactions', { token });
    expect(tx.status).toBe(200);
    expect(tx.body.nextCursor).toBeNull();
    expect(tx.body.data).toEqual([
      expect.objectContaining({
        type: 'debit',
        amount: 50000,
        currency: 'usd',
        balanceBefore: 135000,
        balanceAfter: 85000,
        referenceType: 'payout',
        referenceId: payout.id,
        description: 'Payout of $500.00 to your bank account',
      }),
      expect.objectContaining({ type: 'credit', amount: 135000, currency: 'usd', balanceBefore: 0, balanceAfter: 135000, referenceType: 'payment' }),
    ]);
    const page1 = await ctx.http.get('/api/wallet/transactions?limit=1', { token });
    expect(page1.body.data).toHaveLength(1);
    expect(page1.body.data[0].type).toBe('debit');
    const page2 = await ctx.http.get(`/api/wallet/transactions?limit=1&cursor=${page1.body.nextCursor}`, { token });
    expect(page2.body.data.map((t: any) => t.type)).toEqual(['credit']);
    expect(page2.body.nextCursor).toBeNull();
    expect((await ctx.http.get('/api/wallet/transactions?type=credit', { token })).body.data.map((t: any) => t.amount)).toEqual([135000]);
    expect((await ctx.http.get('/api/wallet/transactions?type=debit', { token })).body.data.map((t: any) => t.amount)).toEqual([50000]);
    expect((await ctx.http.get('/api/wallet/transactions?currency=eur', { token })).body.data).toEqual([]);
    expect((await ctx.http.get('/api/wallet/transactions?type=sideways', { token })).status).toBe(400);
    expect((await ctx.http.get('/api/wallet/transactions?cursor=bm9wZQ', { token })).body.code).toBe('INVALID_CURSOR');
    expect((await ctx.http.get('/api/wallet/transactions?limit=0', { token })).status).toBe(400);
    expect((await ctx.http.get('/api/wallet/balance', { token: company.token })).status).toBe(403);

    const csv = await ctx.http.get('/api/wallet/transactions.csv', { token });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toMatch(/^attachment; filename="collabpay-transactions-\d{4}-\d{2}-\d{2}\.csv"$/);
    const lines = csv.text.split('\r\n');
    expect(lines[0]).toBe(
      'id,created_at,type,currency,amount_minor,amount,balance_before_minor,balance_after_minor,balance_after,description,reference_type,reference_id',
    );
    expect(lines).toHaveLength(4); // header, 2 rows, trailing newline
    expect(lines[3]).toBe('');
    const [debit, credit] = tx.body.data;
    expect(lines[1]).toBe(
      `${debit.id},${debit.createdAt},debit,usd,50000,$500.00,135000,85000,$850.00,Payout of $500.00 to your bank account,payout,${payout.id}`,
    );
    // the title has a comma and quotes: the field is quoted and the quotes doubled
    expect(lines[2]).toBe(
      `${credit.id},${credit.createdAt},credit,usd,135000,"$1,350.00",0,135000,"$1,350.00","${credit.description.replace(/"/g, '""')}",payment,${credit.referenceId}`,
    );
    expect(credit.description).toContain('Launch, "phase" 1');
    const csvCredits = await ctx.http.get('/api/wallet/transactions.csv?type=credit', { token });
    expect(csvCredits.text.split('\r\n').filter(Boolean)).toHaveLength(2);

    // realtime: every change of the payout and of the wallet went to the outbox
    const events = await ctx.db.query(`SELECT event, payload FROM outbox_events WHERE user_id = $1 ORDER BY seq`, [ben.id]);
    expect(events.filter((e: any) => e.event === 'payout:update').map((e: any) => e.payload.status)).toEqual(['PENDING', 'IN_TRANSIT', 'COMPLETED']);
    const wallet = events.filter((e: any) => e.event === 'wallet:update').map((e: any) => [e.payload.available, e.payload.pending]);
    expect(wallet).toEqual([
      [135000, 0],
      [85000, 50000],
      [85000, 50000],
      [85000, 0],
    ]);
    expect(collab.id).toBeDefined();
    await expectLedgerClean(ctx);
  });

  it('answers junk with 4xx and a stable code, never 500', async () => {
    const fay = await ctx.user('influencer', 'Fay');
    const token = fay.token;
    const big = Buffer.from('tx:9999999999999999999').toString('base64url');
    const oldCursor = Buffer.from(`${new Date(-8.64e15).toISOString()}|00000000-0000-0000-0000-000000000000`).toString('base64url');
    const requests: Array<[string, string, unknown?]> = [
      ['POST', '/api/wallet/payout', []],
      ['POST', '/api/wallet/payout', { amount: null, currency: 'usd' }],
      ['POST', '/api/wallet/payout', { amount: {}, currency: 'usd' }],
      ['POST', '/api/wallet/payout', { amount: 1e300, currency: 'usd' }],
      ['POST', '/api/wallet/payout', { amount: 5000, currency: 7 }],
      ['POST', '/api/wallet/payout', { amount: 5000, currency: 'usd', extra: true }],
      ['POST', '/api/connect/account-link', { returnUrl: 'http://' + 'a'.repeat(3000), refreshUrl: 'http://x.test' }],
      ['POST', '/api/connect/account-link', { returnUrl: 5, refreshUrl: 'http://x.test' }],
      ['GET', `/api/wallet/transactions?cursor=${big}`],
      ['GET', '/api/wallet/transactions?currency=zzz'],
      ['GET', '/api/wallet/transactions.csv?type=nope'],
      ['GET', `/api/wallet/payouts?cursor=${oldCursor}`],
      ['GET', '/api/wallet/payouts?cursor=%%%'],
      ['GET', '/api/wallet/payouts?status=LOST'],
      ['GET', '/api/wallet/payouts?limit=1000'],
    ];
    for (const [method, path, body] of requests) {
      const r = await ctx.http.request(method, path, body, { token });
      expect({ path, body, status: r.status >= 400 && r.status < 500, code: typeof r.body?.code }).toEqual({ path, body, status: true, code: 'string' });
    }
    const raw = await ctx.http.request('POST', '/api/wallet/payout', undefined, { token, raw: '{"amount": ', headers: { 'content-type': 'application/json' } });
    expect(raw.status).toBe(400);
    expect(raw.body.code).toBe('INVALID_JSON');
  });

  it('a payout to a failing bank account (no_account) → FAILED with Stripe’s code, money back in the wallet, transfer reversed', async () => {
    const cleo = await ctx.user('influencer', 'Cleo');
    const token = cleo.token;
    const accountId = await onboard(ctx, cleo, NO_ACCOUNT_BANK);
    await earn(ctx, company, cleo, 30000);
    expect(await balance(ctx, Accounts.walletAvailable(cleo.id))).toBe(27000);

    const res = await ctx.http.post('/api/wallet/payout', { amount: 20000, currency: 'usd' }, { token });
    expect(res.status).toBe(201);
    expect(res.body.status).toBe('IN_TRANSIT');
    expect(await balance(ctx, Accounts.walletAvailable(cleo.id))).toBe(7000);

    await settlePayouts(ctx);
    const failed = await eventually(async () => {
      const p = await payoutStatus(ctx, cleo, res.body.id);
      return p.status === 'FAILED' && p;
    });
    expect(failed).toMatchObject({ failureCode: 'no_account', failureMessage: expect.stringContaining('No bank account could be located') });
    // the money is back in the wallet at once; payable again once the transfer is reversed
    await eventually(
      async () => (await ctx.db.query(`SELECT 1 FROM payouts WHERE id = $1 AND stripe_reversal_id IS NOT NULL`, [res.body.id])).length,
      10_000,
      'reversal recorded',
    );
    const b = await ctx.http.get('/api/wallet/balance', { token });
    expect(b.body.balances).toEqual([
      { currency: 'usd', available: 27000, pending: 0, totalEarned: 27000, totalWithdrawn: 0, owed: 0, availableForPayout: 27000, nextAvailableOn: null },
    ]);
    const tx = await ctx.http.get('/api/wallet/transactions', { token });
    expect(tx.body.data.map((t: any) => [t.type, t.amount, t.balanceBefore, t.balanceAfter])).toEqual([
      ['credit', 20000, 7000, 27000],
      ['debit', 20000, 27000, 7000],
      ['credit', 27000, 0, 27000],
    ]);
    // the transfer is taken back from the connected account (queue job)
    const [transfer] = (await ctx.stripe.transfers.list({ transfer_group: transferGroup(res.body.id) })).data;
    await eventually(async () => (await ctx.stripe.transfers.retrieve(transfer.id)).amount_reversed === 20000, 10_000, 'transfer reversal');
    await eventually(async () => (await ctx.app.get(PayoutRepository).findById(res.body.id))?.stripeReversalId, 5_000, 'reversal recorded');
    const connected = await ctx.stripe.balance.retrieve({}, { stripeAccount: accountId });
    expect(connected.available.find((x) => x.currency === 'usd')?.amount ?? 0).toBe(0);
    const events = await ctx.db.query(`SELECT payload FROM outbox_events WHERE user_id = $1 AND event = 'payout:update' ORDER BY seq`, [cleo.id]);
    expect(events.map((e: any) => e.payload.status)).toEqual(['PENDING', 'IN_TRANSIT', 'FAILED']);
    expect(events[2].payload).toMatchObject({ failureCode: 'no_account', message: expect.stringContaining('back in your wallet') });

    // others cannot see the payout
    const other = await ctx.user('influencer', 'Nosy');
    expect((await ctx.http.get(`/api/wallet/payouts/${res.body.id}`, { token: other.token })).status).toBe(404);
    expect((await ctx.http.get(`/api/wallet/payouts/not-a-uuid`, { token })).status).toBe(404);
    expect((await ctx.http.get('/api/wallet/balance', { token: other.token })).body).toEqual({ balances: [] });
    await expectLedgerClean(ctx);
  });

  it('reconciliation resolves payouts whose Stripe calls landed without an answer, and never pays twice', async () => {
    const dan = await ctx.user('influencer', 'Dan');
    const accountId = await onboard(ctx, dan);
    await earn(ctx, company, dan, 100000);
    const repo = ctx.app.get(PayoutRepository);
    const execution = ctx.app.get(PayoutExecutionService);

    // A payout whose first attempt sent both Stripe requests, which landed, but whose answers were lost (timeouts):
    // recorded and debited exactly as POST /api/wallet/payout does, then the two calls made "behind our back".
    await ctx.app.get(WalletFundsService).refresh(dan.id);
    const lost = async (amount: number, stripeSteps: 'transfer' | 'both') => {
      const p = await ctx.db.transaction(async (em) => {
        const row = await repo.insert(em, { userId: dan.id, amount, currency: 'usd', stripeAccountId: accountId });
        await ctx.app.get(LedgerService).post(em, {
          type: 'payout_requested',
          referenceType: 'payout',
          referenceId: row.id,
          description: 'test payout',
          idempotencyKey: `payout:${row.id}:requested`,
          lines: [
            { account: Accounts.walletAvailable(dan.id), currency: 'usd', amount },
            { account: Accounts.payoutsInTransit(dan.id), currency: 'usd', amount: -amount },
          ],
        });
        const parts = await ctx.app.get(WalletCreditsRepository).draw(em, row.id, dan.id, 'usd', amount);
        return { ...row, source: parts![0].source };
      });
      await ctx.db.query(`UPDATE payouts SET attempts = 1, last_error = 'timeout' WHERE id = $1`, [p.id]);
      expect(p.source).toMatch(/^ch_/);
      await ctx.stripe.transfers.create(
        {
          amount,
          currency: 'usd',
          destination: accountId,
          source_transaction: p.source,
          transfer_group: transferGroup(p.id),
          description: `CollabPay payout ${p.id}`,
          metadata: { payout_id: p.id, user_id: dan.id, source: p.source },
        },
        { idempotencyKey: transferKey(p.id, p.source) },
      );
      if (stripeSteps === 'both') {
        await ctx.stripe.payouts.create(
          { amount, currency: 'usd', description: 'CollabPay payout', metadata: { payout_id: p.id, user_id: dan.id } },
          { stripeAccount: accountId, idempotencyKey: payoutKey(p.id) },
        );
      }
      return p;
    };
    const a = await lost(10000, 'transfer');
    const b = await lost(20000, 'both');
    expect((await repo.findById(a.id))!.status).toBe('PENDING');

    const r = await execution.reconcile({ olderThanMs: 0 });
    expect(r.errors).toEqual([]);
    expect(r.pending).toBeGreaterThanOrEqual(2);
    for (const p of [a, b]) {
      const after = (await repo.findById(p.id))!;
      expect(after.status).toBe('IN_TRANSIT');
      expect(after.stripeTransferId).toMatch(/^tr_/);
      expect((await ctx.stripe.transfers.list({ transfer_group: transferGroup(p.id) })).data).toHaveLength(1);
    }
    const onStripe = (await ctx.stripe.payouts.list({ limit: 100 }, { stripeAccount: accountId })).data;
    expect(onStripe.filter((x) => x.metadata?.payout_id === a.id)).toHaveLength(1);
    expect(onStripe.filter((x) => x.metadata?.payout_id === b.id)).toHaveLength(1);
    // a second run finds nothing to do twice
    await execution.reconcile({ olderThanMs: 0 });
    expect((await ctx.stripe.payouts.list({ limit: 100 }, { stripeAccount: accountId })).data).toHaveLength(2);

    // a missed payout.paid webhook: reconciliation re-reads IN_TRANSIT payouts from Stripe
    ctx.emulator.setDeliveryPaused(true);
    try {
      await ctx.emulator.advanceTime();
      const r2 = await execution.reconcile({ olderThanMs: 0, inTransitOlderThanMs: 0 });
      expect(r2.errors).toEqual([]);
    } finally {
      ctx.emulator.setDeliveryPaused(false);
    }
    expect((await repo.findById(a.id))!.status).toBe('COMPLETED');
    expect((await repo.findById(b.id))!.status).toBe('COMPLETED');
    const bal = await ctx.http.get('/api/wallet/balance', { token: dan.token });
    expect(bal.body.balances).toEqual([
      { currency: 'usd', available: 60000, pending: 0, totalEarned: 90000, totalWithdrawn: 30000, owed: 0, availableForPayout: 60000, nextAvailableOn: null },
    ]);
    // the admin can run it on demand; others cannot
    const admin = await ctx.user('admin');
    expect((await ctx.http.post('/api/admin/payouts/reconcile', {}, { token: admin.token })).status).toBe(200);
    expect((await ctx.http.post('/api/admin/payouts/reconcile', {}, { token: dan.token })).status).toBe(403);
    await expectLedgerClean(ctx);
  });

  it('a Stripe refusal (no bank account in the currency) fails the payout at once and returns the money', async () => {
    const eve = await ctx.user('influencer', 'Eve');
    const accountId = await onboard(ctx, eve);
    await earn(ctx, company, eve, 50000);
    // the connected account has a usd bank account only; a gbp wallet gets funded by a gbp collaboration
    const { collaboration } = await proposeAndAccept(ctx, company, eve, { amount: 20000, currency: 'gbp', title: 'UK launch' });
    await payWith(ctx, company, collaboration.id, 'pm_card_bypassPending');
    expect((await ctx.http.post(`/api/payments/collaboration/${collaboration.id}/release`, {}, { token: company.token })).status).toBe(200);

    const res = await ctx.http.post('/api/wallet/payout', { amount: 18000, currency: 'gbp' }, { token: eve.token });
    expect(res.status).toBe(201);
    // the transfer went through, the payout on the connected account was refused (no gbp bank account)
    expect(res.body).toMatchObject({ status: 'FAILED', failureCode: 'no_external_account', failureMessage: expect.stringContaining('refused') });
    const transfers = (await ctx.stripe.transfers.list({ transfer_group: transferGroup(res.body.id) })).data;
    expect(transfers.map((t) => [t.amount, t.currency, t.destination])).toEqual([[18000, 'gbp', accountId]]);
    await eventually(async () => (await ctx.stripe.transfers.retrieve(transfers[0].id)).amount_reversed === 18000, 10_000, 'reversal');
    // once the transfer is back, the money is payable again (from the same charge)
    await eventually(
      async () => (await ctx.db.query(`SELECT 1 FROM payouts WHERE id = $1 AND stripe_reversal_id IS NOT NULL`, [res.body.id])).length,
      10_000,
      'reversal recorded',
    );
    const bal = await ctx.http.get('/api/wallet/balance', { token: eve.token });
    expect(bal.body.balances).toEqual([
      { currency: 'gbp', available: 18000, pending: 0, totalEarned: 18000, totalWithdrawn: 0, owed: 0, availableForPayout: 18000, nextAvailableOn: null },
      { currency: 'usd', available: 45000, pending: 0, totalEarned: 45000, totalWithdrawn: 0, owed: 0, availableForPayout: 45000, nextAvailableOn: null },
    ]);
    await expectLedgerClean(ctx);
  });
});
