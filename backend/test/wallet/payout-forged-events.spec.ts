import { inTransaction } from '../../src/common/database/transaction';
import { Accounts } from '../../src/modules/ledger/domain/accounts';
import { PayoutStateService } from '../../src/modules/payouts/payout-state.service';
import { WebhookRetryLaterError } from '../../src/modules/webhooks/webhook-handler.registry';
import { DataSource } from 'typeorm';
import { balance, expectLedgerClean } from '../support/flows';
import { createTestContext, eventually, TestContext } from '../support/test-app';
import { deliver, makeEvent } from '../webhooks/support/events';
import { earn, onboard, PAYOUT_DELAYS, payoutStatus, settlePayouts } from './support';

/** A failure event for a payout we hold as COMPLETED is checked against Stripe before any money moves. */
describe('payout failure events for a completed payout (real webhooks, Stripe emulator)', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext({ label: 'payout-forged', env: { PAYOUT_RECONCILE_INTERVAL_MS: '0' }, emulator: { delays: PAYOUT_DELAYS } });
  });
  afterAll(() => ctx?.close());

  it('a signed payout.failed for a payout Stripe says is paid moves nothing; the state service refuses an unverified return', async () => {
    const company = await ctx.user('company', 'Acme');
    const ines = await ctx.user('influencer', 'Ines');
    const accountId = await onboard(ctx, ines);
    await earn(ctx, company, ines, 30000);
    const res = await ctx.http.post('/api/wallet/payout', { amount: 20000, currency: 'usd' }, { token: ines.token });
    expect(res.status).toBe(201);
    await settlePayouts(ctx);
    await eventually(async () => (await payoutStatus(ctx, ines, res.body.id)).status === 'COMPLETED', 10_000, 'payout COMPLETED');
    const [stripePayout] = (await ctx.stripe.payouts.list({ limit: 10 }, { stripeAccount: accountId })).data;
    expect(stripePayout.status).toBe('paid');
    const wallet = await balance(ctx, Accounts.walletAvailable(ines.id));
    expect(wallet).toBe(7000);

    // the event claims a bank return; Stripe (re-read) says paid
    const forged = { ...stripePayout, status: 'failed', failure_code: 'account_closed', failure_message: 'The bank account has been closed' };
    const ev = makeEvent('payout.failed', forged, { account: accountId });
    // Stripe is slow to answer the re-read: meanwhile neither the event nor the payout is locked (read first, then apply)
    const slow = ctx.emulator.faults.add({ method: 'GET', path: `^/v1/payouts/${stripePayout.id}$`, mode: 'delay', delayMs: 2000, times: 1 });
    const r = await deliver(ctx, ev, { secret: ctx.config.stripe.connectWebhookSecret });
    expect(r.status).toBe(200);
    await eventually(async () => (ctx.emulator.faults.list().find((f) => f.id === slow.id)?.hits ?? 0) > 0, 10_000, 're-read under way');
    const locked = await inTransaction(ctx.app.get(DataSource), async (em) => {
      const ev1 = await em.query(`SELECT id FROM webhook_events WHERE id = $1 AND status = 'RECEIVED' FOR UPDATE NOWAIT`, [ev.id]);
      const po1 = await em.query(`SELECT id FROM payouts WHERE id = $1 FOR UPDATE NOWAIT`, [res.body.id]);
      return [ev1.length, po1.length];
    });
    expect(locked).toEqual([1, 1]);
    const [row] = await eventually(async () => {
      const rows = await ctx.db.query(`SELECT status FROM webhook_events WHERE id = $1 AND status <> 'RECEIVED'`, [ev.id]);
      return rows.length ? rows : null;
    });
    expect(row.status).not.toBe('FAILED');
    expect(await payoutStatus(ctx, ines, res.body.id)).toMatchObject({ status: 'COMPLETED' });
    expect(await balance(ctx, Accounts.walletAvailable(ines.id))).toBe(wallet);
    const returned = await ctx.db.query(`SELECT id FROM journal_entries WHERE type = 'payout_returned' AND reference_id = $1`, [res.body.id]);
    expect(returned).toEqual([]);

    // a COMPLETED payout is never returned on an event's word alone (e.g. one that completed after the handler looked)
    const state = ctx.app.get(PayoutStateService);
    await expect(
      inTransaction(ctx.app.get(DataSource), (em) => state.applyStripePayout(em, forged as never, { account: accountId, readFromStripe: false })),
    ).rejects.toBeInstanceOf(WebhookRetryLaterError);
    expect(await balance(ctx, Accounts.walletAvailable(ines.id))).toBe(wallet);
    await expectLedgerClean(ctx);
  });
});
