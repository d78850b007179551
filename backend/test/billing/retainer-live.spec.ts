import { io, Socket } from 'socket.io-client';
import type Stripe from 'stripe';
import { BillingWebhooksHandler } from '../../src/modules/billing/billing-webhooks.handler';
import { createTestContext, eventually, TestContext, TestUser } from '../support/test-app';

const DAY = 86400_000;

type Live = { socket: Socket; got: Array<Record<string, unknown>> };

/**
 * A retainer's status change (it ends at period end: `customer.subscription.deleted`; a renewal is declined:
 * `past_due`), and its end being scheduled or called off (cancel at period end / resume: same status), reaches both
 * parties live as `retainer:update`, written to the outbox in the transaction of the change,
 * through the real webhook pipeline and the Stripe emulator; nobody else hears of it, and an event applied again
 * (nothing changes) sends nothing more.
 */
describe('retainer:update (real Postgres, Redis, webhooks, Socket.io and the Stripe emulator)', () => {
  let ctx: TestContext;
  let company: TestUser;
  let influencer: TestUser;
  let stranger: TestUser;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    ctx = await createTestContext({ label: 'billing-retainer-live' });
    company = await ctx.user('company', 'Acme');
    influencer = await ctx.user('influencer', 'Ava');
    stranger = await ctx.user('company', 'Other Co');
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await ctx?.close();
  });

  async function listen(u: TestUser): Promise<Live> {
    const socket = io(`${ctx.baseUrl}/payments`, { auth: { token: u.token }, transports: ['websocket'], reconnection: false, forceNew: true });
    sockets.push(socket);
    const got: Array<Record<string, unknown>> = [];
    socket.on('retainer:update', (data) => got.push(data));
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    return { socket, got };
  }
  async function saveCard(user: TestUser, pm: string) {
    const res = await ctx.http.post('/api/billing/setup-intent', {}, { token: user.token });
    const si = await ctx.stripe.setupIntents.confirm(res.body.setupIntentId, { payment_method: pm });
    return si.payment_method as string;
  }
  async function startRetainer(card: string): Promise<{ id: string; subId: string; collaborationId: string }> {
    const res = await ctx.http.post(
      '/api/collaborations',
      { influencerId: influencer.id, title: 'Monthly posts', amount: 40000, currency: 'usd', billing: 'monthly' },
      { token: company.token },
    );
    expect(res.status).toBe(201);
    expect((await ctx.http.post(`/api/collaborations/${res.body.id}/accept`, {}, { token: influencer.token })).status).toBe(200);
    const started = await ctx.http.post('/api/retainers', { collaborationId: res.body.id, paymentMethodId: card }, { token: company.token });
    expect(started.status).toBe(201);
    expect(started.body.status).toBe('active');
    return { id: started.body.id, subId: started.body.stripeSubscriptionId, collaborationId: res.body.id };
  }
  const rowsOf = (retainerId: string) =>
    ctx.db.query(
      `SELECT user_id AS "userId", payload->>'status' AS status, payload FROM outbox_events
        WHERE event = 'retainer:update' AND payload->>'retainerId' = $1 ORDER BY id`,
      [retainerId],
    ) as Promise<Array<{ userId: string; status: string; payload: Record<string, unknown> }>>;
  const strangerRows = async () => (await ctx.db.query(`SELECT count(*)::int AS n FROM outbox_events WHERE user_id = $1`, [stranger.id]))[0].n as number;

  it('the retainer ending at period end (customer.subscription.deleted) is pushed to the company and the influencer, not to anyone else', async () => {
    const [liveCompany, liveInfluencer, liveStranger] = [await listen(company), await listen(influencer), await listen(stranger)];
    const card = await saveCard(company, 'pm_card_visa');
    const { id, subId, collaborationId } = await startRetainer(card);
    // started: incomplete → active, told to both
    await eventually(() => liveCompany.got.length === 1 && liveInfluencer.got.length === 1, 10_000, 'the start pushed');
    expect(liveCompany.got[0]).toMatchObject({ retainerId: id, collaborationId, status: 'active', previousStatus: 'incomplete' });

    // cancel at period end: the status stays active; both parties are told when it ends
    const canceled = await ctx.http.post(`/api/retainers/${id}/cancel`, {}, { token: company.token });
    expect(canceled.body).toMatchObject({ status: 'active', cancelAtPeriodEnd: true });
    await eventually(() => liveCompany.got.length === 2 && liveInfluencer.got.length === 2, 10_000, 'the scheduled end pushed');
    const endsOn = new Date(canceled.body.currentPeriodEnd).toLocaleDateString('en-US', { timeZone: 'UTC', month: 'long', day: 'numeric', year: 'numeric' });
    for (const live of [liveCompany, liveInfluencer])
      expect(live.got[1]).toMatchObject({
        retainerId: id,
        status: 'active',
        previousStatus: 'active',
        cancelAtPeriodEnd: true,
        message: `The monthly retainer for “Monthly posts” ends on ${endsOn}`,
      });
    // asking again changes nothing and tells nobody
    await ctx.http.post(`/api/retainers/${id}/cancel`, {}, { token: company.token });
    // kept after all, then set to end again: each change told once
    expect((await ctx.http.post(`/api/retainers/${id}/resume`, {}, { token: company.token })).body).toMatchObject({ cancelAtPeriodEnd: false });
    await eventually(() => liveCompany.got.length === 3 && liveInfluencer.got.length === 3, 10_000, 'the kept retainer pushed');
    expect(liveInfluencer.got[2]).toMatchObject({
      status: 'active',
      previousStatus: 'active',
      cancelAtPeriodEnd: false,
      message: `The monthly retainer for “Monthly posts” continues: the next month starts on ${endsOn}`,
    });
    await ctx.http.post(`/api/retainers/${id}/cancel`, {}, { token: company.token });
    await eventually(() => liveCompany.got.length === 4 && liveInfluencer.got.length === 4, 10_000, 'the end scheduled again');
    expect(liveCompany.got[3]).toMatchObject({ cancelAtPeriodEnd: true, message: `The monthly retainer for “Monthly posts” ends on ${endsOn}` });

    // the period ends: Stripe deletes the subscription and sends customer.subscription.deleted
    const end = await ctx.emulator.advanceSubscription(subId);
    expect(end.subscription.status).toBe('canceled');
    await ctx.emulator.flushWebhooks();
    await eventually(() => liveCompany.got.length === 5 && liveInfluencer.got.length === 5, 10_000, 'the end pushed to both parties');
    for (const live of [liveCompany, liveInfluencer]) {
      expect(live.got[4]).toMatchObject({
        retainerId: id,
        collaborationId,
        status: 'canceled',
        previousStatus: 'active',
        cancelAtPeriodEnd: true,
        message: 'The monthly retainer for “Monthly posts” has ended',
        seq: expect.any(Number),
        timestamp: expect.any(String),
      });
    }
    // the outbox holds exactly one row per party and status change, committed with the retainer's new status
    const rows = await rowsOf(id);
    expect(rows.map((r) => [r.userId, r.status])).toEqual([
      [company.id, 'active'],
      [influencer.id, 'active'],
      [company.id, 'active'],
      [influencer.id, 'active'],
      [company.id, 'active'],
      [influencer.id, 'active'],
      [company.id, 'active'],
      [influencer.id, 'active'],
      [company.id, 'canceled'],
      [influencer.id, 'canceled'],
    ]);
    const [{ status }] = await ctx.db.query(`SELECT status FROM retainers WHERE id = $1`, [id]);
    expect(status).toBe('canceled');
    const [deleted] = await ctx.db.query(
      `SELECT status FROM webhook_events WHERE type = 'customer.subscription.deleted' AND payload->'data'->'object'->>'id' = $1`,
      [subId],
    );
    expect(deleted.status).toBe('PROCESSED');

    // every subscription event of it applied again (duplicates, reordering): no status change, nothing more sent
    const events: Stripe.Event[] = (
      await ctx.db.query(`SELECT payload FROM webhook_events WHERE type LIKE 'customer.subscription.%' AND payload->'data'->'object'->>'id' = $1`, [subId])
    ).map((x: { payload: Stripe.Event }) => x.payload);
    expect(events.length).toBeGreaterThanOrEqual(1);
    const handler = ctx.app.get(BillingWebhooksHandler);
    for (const e of events) await ctx.db.transaction((em) => handler.onSubscription(e, em));
    expect(await rowsOf(id)).toHaveLength(10);

    expect(liveStranger.got).toEqual([]);
    expect(await strangerRows()).toBe(0);
  });

  it('a declined renewal (past_due, customer.subscription.updated) and the retainer paid up again are pushed to both parties', async () => {
    const good = await saveCard(company, 'pm_card_mastercard');
    const { id, subId } = await startRetainer(good);
    const failing = await saveCard(company, 'pm_card_chargeCustomerFail');
    await ctx.http.post(`/api/retainers/${id}/payment-method`, { paymentMethodId: failing }, { token: company.token });

    await ctx.emulator.advanceSubscription(subId);
    await ctx.emulator.flushWebhooks();
    await eventually(async () => (await rowsOf(id)).length === 4, 10_000, 'past_due told to both');
    const rows = await rowsOf(id);
    expect(rows.slice(2).map((r) => [r.userId, r.status])).toEqual([
      [company.id, 'past_due'],
      [influencer.id, 'past_due'],
    ]);
    expect(rows[2].payload).toMatchObject({ previousStatus: 'active', message: 'The monthly payment for “Monthly posts” is overdue' });

    // Stripe's retry 3 days later fails again: still past_due, nobody told twice
    await ctx.emulator.advanceTime(3 * DAY + 1000);
    await ctx.emulator.flushWebhooks();
    // the failed month is applied from invoice.payment_failed, a webhook of its own: wait for it before paying it again
    await eventually(
      async () => {
        const view = (await ctx.http.get(`/api/retainers/${id}`, { token: company.token })).body;
        return (view.periods ?? []).some((p: { status: string; invoiceStatus: string }) => p.status === 'FAILED' && p.invoiceStatus === 'open');
      },
      10_000,
      'the failed month recorded',
    );
    const retried = await ctx.http.post(`/api/retainers/${id}/retry`, { paymentMethodId: good }, { token: company.token });
    expect(retried.body).toMatchObject({ status: 'active' });
    const after = await rowsOf(id);
    expect(after.slice(4).map((r) => [r.userId, r.status])).toEqual([
      [company.id, 'active'],
      [influencer.id, 'active'],
    ]);
    expect(after[4].payload).toMatchObject({ previousStatus: 'past_due', message: 'The monthly retainer for “Monthly posts” is paid up again' });
    await ctx.emulator.flushWebhooks();
    await new Promise((r) => setTimeout(r, 500));
    expect(await rowsOf(id)).toHaveLength(6);
    expect(await strangerRows()).toBe(0);
  });
});
