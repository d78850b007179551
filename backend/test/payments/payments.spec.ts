import { Accounts } from '../../src/modules/ledger/domain/accounts';
import { PaymentsService } from '../../src/modules/payments/payments.service';
import { expectLedgerClean, balance, payWith, proposeAndAccept } from '../support/flows';
import { createTestContext, TestContext, TestUser } from '../support/test-app';

describe('payments held by the platform (real Postgres, Redis and the Stripe emulator via the SDK)', () => {
  let ctx: TestContext;
  let company: TestUser;
  let influencer: TestUser;

  beforeAll(async () => {
    ctx = await createTestContext({ label: 'payments' });
    company = await ctx.user('company', 'Acme');
    influencer = await ctx.user('influencer', 'Ava');
  });
  afterAll(() => ctx?.close());

  it('walks propose → accept → pay → HELD → release a milestone → release the rest, with exact figures', async () => {
    const { collaboration, paymentId } = await proposeAndAccept(ctx, company, influencer, {
      amount: 150000,
      milestones: [
        { title: 'Draft', amount: 60000 },
        { title: 'Final video', amount: 90000 },
      ],
    });
    expect(collaboration.status).toBe('ACCEPTED');
    const pending = await ctx.http.get(`/api/payments/${paymentId}`, { token: company.token });
    expect(pending.body).toMatchObject({ status: 'PENDING', amount: 150000, currency: 'usd', platformFee: 15000, influencerAmount: 135000, amountReleased: 0 });
    expect(pending.body.stripePaymentIntentId).toMatch(/^pi_/);
    const pi = await ctx.stripe.paymentIntents.retrieve(pending.body.stripePaymentIntentId);
    expect(pi).toMatchObject({
      amount: 150000,
      currency: 'usd',
      transfer_group: collaboration.id,
      metadata: { payment_id: paymentId, collaboration_id: collaboration.id },
    });

    const paid = await payWith(ctx, company, collaboration.id);
    expect(paid.error).toBeNull();
    expect(paid.payment).toMatchObject({ id: paymentId, status: 'HELD', amountHeld: 150000 });
    expect(await balance(ctx, Accounts.escrow(paymentId))).toBe(150000);
    expect(await balance(ctx, Accounts.walletAvailable(influencer.id))).toBe(0);
    const fees = await balance(ctx, Accounts.stripeFees);
    expect(fees).toBe(Math.round(150000 * 0.029) + 30); // 2.9% + 30 from the charge's balance transaction
    expect(await balance(ctx, Accounts.stripeBalance)).toBe(150000 - fees);
    await expectLedgerClean(ctx);

    const collab = await ctx.http.get(`/api/collaborations/${collaboration.id}`, { token: influencer.token });
    expect(collab.body.status).toBe('ACTIVE');
    const [m1, m2] = collab.body.milestones;

    const r1 = await ctx.http.post(`/api/payments/collaboration/${collaboration.id}/release`, { milestoneId: m1.id }, { token: company.token });
    expect(r1.status).toBe(200);
    expect(r1.body).toMatchObject({ status: 'PARTIALLY_RELEASED', amountReleased: 60000, amountHeld: 90000 });
    expect(await balance(ctx, Accounts.escrow(paymentId))).toBe(90000);
    expect(await balance(ctx, Accounts.walletAvailable(influencer.id))).toBe(54000); // 60000 less its 10% share of the fee
    expect(await balance(ctx, Accounts.feeRevenue)).toBe(6000);
    await expectLedgerClean(ctx);

    const again = await ctx.http.post(`/api/payments/collaboration/${collaboration.id}/release`, { milestoneId: m1.id }, { token: company.token });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('MILESTONE_ALREADY_RELEASED');

    const r2 = await ctx.http.post(`/api/payments/collaboration/${collaboration.id}/release`, {}, { token: company.token });
    expect(r2.status).toBe(200);
    expect(r2.body).toMatchObject({ status: 'RELEASED', amountReleased: 150000, amountHeld: 0 });
    expect(r2.body.releasedAt).toBeDefined();
    expect(await balance(ctx, Accounts.escrow(paymentId))).toBe(0);
    expect(await balance(ctx, Accounts.walletAvailable(influencer.id))).toBe(135000);
    expect(await balance(ctx, Accounts.feeRevenue)).toBe(15000);
    const done = await ctx.http.get(`/api/collaborations/${collaboration.id}`, { token: company.token });
    expect(done.body.status).toBe('COMPLETED');
    expect(done.body.milestones.map((m: any) => m.status)).toEqual(['RELEASED', 'RELEASED']);
    expect(m2).toBeDefined();

    const nothingLeft = await ctx.http.post(`/api/payments/collaboration/${collaboration.id}/release`, {}, { token: company.token });
    expect(nothingLeft.status).toBe(409);
    expect(nothingLeft.body.code).toBe('PAYMENT_NOT_HELD');
    await expectLedgerClean(ctx);

    // every change was written to the outbox for both parties, in order
    const rows = await ctx.db.query(
      `SELECT user_id, seq, payload->>'status' AS status FROM outbox_events WHERE payload->>'paymentId' = $1 ORDER BY user_id, id`,
      [paymentId],
    );
    const forCompany = rows.filter((r: any) => r.user_id === company.id).map((r: any) => r.status);
    expect(forCompany).toEqual(['PENDING', 'HELD', 'PARTIALLY_RELEASED', 'RELEASED']);
    expect(rows.filter((r: any) => r.user_id === influencer.id)).toHaveLength(4);
  });

  it('a declined card leaves the payment FAILED with the reason, and a retry succeeds', async () => {
    const { collaboration, paymentId } = await proposeAndAccept(ctx, company, influencer, { amount: 5000 });
    const declined = await payWith(ctx, company, collaboration.id, 'pm_card_chargeDeclined');
    expect(declined.error?.type).toBe('StripeCardError');
    expect(declined.payment).toMatchObject({ status: 'FAILED', failureMessage: expect.stringMatching(/declined/i) });
    expect(await balance(ctx, Accounts.escrow(paymentId))).toBe(0);
    // create-intent returns the same payment and intent, not a second one
    const retry = await payWith(ctx, company, collaboration.id, 'pm_card_visa');
    expect(retry.piId).toBe(declined.piId);
    expect(retry.payment).toMatchObject({ id: paymentId, status: 'HELD' });
    expect(retry.payment.failureMessage).toBeUndefined();
    await expectLedgerClean(ctx);
  });

  it('refunds held funds partly then fully, and never more than is held', async () => {
    const { collaboration, paymentId } = await proposeAndAccept(ctx, company, influencer, { amount: 20000 });
    await payWith(ctx, company, collaboration.id);
    const partial = await ctx.http.post(`/api/payments/${paymentId}/refund`, { amount: 5000, reason: 'requested_by_customer' }, { token: company.token });
    expect(partial.status).toBe(200);
    expect(partial.body).toMatchObject({ status: 'PARTIALLY_REFUNDED', amountRefunded: 5000, amountHeld: 15000 });
    const tooMuch = await ctx.http.post(`/api/payments/${paymentId}/refund`, { amount: 15001 }, { token: company.token });
    expect(tooMuch.status).toBe(409);
    expect(tooMuch.body.code).toBe('AMOUNT_EXCEEDS_HELD');
    const rest = await ctx.http.post(`/api/payments/${paymentId}/refund`, {}, { token: company.token });
    expect(rest.body).toMatchObject({ status: 'REFUNDED', amountRefunded: 20000, amountHeld: 0 });
    const pi = await ctx.stripe.paymentIntents.retrieve(rest.body.stripePaymentIntentId, { expand: ['latest_charge'] });
    expect((pi.latest_charge as any).amount_refunded).toBe(20000);
    expect(await balance(ctx, Accounts.escrow(paymentId))).toBe(0);
    const none = await ctx.http.post(`/api/payments/${paymentId}/refund`, {}, { token: company.token });
    expect(none.status).toBe(409);
    expect((await ctx.http.get(`/api/collaborations/${collaboration.id}`, { token: company.token })).body.status).toBe('CANCELED');
    await expectLedgerClean(ctx);
  });

  it('blocks release while DISPUTED, and a lost dispute takes back what is held', async () => {
    const { collaboration, paymentId } = await proposeAndAccept(ctx, company, influencer, { amount: 30000 });
    const paid = await payWith(ctx, company, collaboration.id);
    expect(paid.payment.status).toBe('HELD');
    const pi = await ctx.stripe.paymentIntents.retrieve(paid.piId);
    const chargeId = pi.latest_charge as string;
    const service = ctx.app.get(PaymentsService);
    const dispute: any = {
      id: 'dp_test_1',
      object: 'dispute',
      amount: 30000,
      currency: 'usd',
      charge: chargeId,
      payment_intent: paid.piId,
      status: 'needs_response',
    };
    await ctx.db.transaction((em) => service.applyDispute(em, dispute, 'opened'));
    // a duplicate of the same event changes nothing
    await ctx.db.transaction((em) => service.applyDispute(em, dispute, 'opened'));
    const p = await ctx.http.get(`/api/payments/${paymentId}`, { token: influencer.token });
    expect(p.body.status).toBe('DISPUTED');
    const blocked = await ctx.http.post(`/api/payments/collaboration/${collaboration.id}/release`, {}, { token: company.token });
    expect(blocked.status).toBe(409);
    expect(blocked.body.code).toBe('PAYMENT_DISPUTED');
    const noRefund = await ctx.http.post(`/api/payments/${paymentId}/refund`, {}, { token: company.token });
    expect(noRefund.status).toBe(409);
    await expectLedgerClean(ctx);
    await ctx.db.transaction((em) => service.applyDispute(em, { ...dispute, status: 'lost' }, 'closed'));
    const after = await ctx.http.get(`/api/payments/${paymentId}`, { token: company.token });
    expect(after.body).toMatchObject({ status: 'REFUNDED', amountRefunded: 30000 });
    expect(await balance(ctx, Accounts.disputed(paymentId))).toBe(0);
    await expectLedgerClean(ctx);
  });

  it('a won dispute restores the held status and release works again', async () => {
    const { collaboration, paymentId } = await proposeAndAccept(ctx, company, influencer, { amount: 10000 });
    const paid = await payWith(ctx, company, collaboration.id);
    const pi = await ctx.stripe.paymentIntents.retrieve(paid.piId);
    const service = ctx.app.get(PaymentsService);
    const dispute: any = { id: 'dp_test_2', amount: 10000, currency: 'usd', charge: pi.latest_charge, payment_intent: paid.piId, status: 'needs_response' };
    await ctx.db.transaction((em) => service.applyDispute(em, dispute, 'opened'));
    await ctx.db.transaction((em) => service.applyDispute(em, { ...dispute, status: 'won' }, 'closed'));
    expect((await ctx.http.get(`/api/payments/${paymentId}`, { token: company.token })).body.status).toBe('HELD');
    const rel = await ctx.http.post(`/api/payments/collaboration/${collaboration.id}/release`, {}, { token: company.token });
    expect(rel.body.status).toBe('RELEASED');
    await expectLedgerClean(ctx);
  });

  it('validates proposals with stable codes', async () => {
    const base = { influencerId: influencer.id, title: 'x', amount: 1000, currency: 'usd' };
    const cases: Array<[Record<string, unknown>, number, string]> = [
      [{ ...base, amount: 10.5 }, 400, 'VALIDATION_FAILED'],
      [{ ...base, amount: 49 }, 400, 'AMOUNT_BELOW_MINIMUM'],
      [{ ...base, amount: 10_000_000_01 }, 400, 'AMOUNT_ABOVE_MAXIMUM'],
      [{ ...base, currency: 'xyz' }, 400, 'VALIDATION_FAILED'],
      [
        {
          ...base,
          milestones: [
            { title: 'a', amount: 400 },
            { title: 'b', amount: 500 },
          ],
        },
        400,
        'MILESTONES_SUM_MISMATCH',
      ],
      [
        {
          ...base,
          milestones: [
            { title: 'a', amount: -100 },
            { title: 'b', amount: 1100 },
          ],
        },
        400,
        'INVALID_MILESTONE_AMOUNT',
      ],
      [{ ...base, influencerId: company.id }, 400, 'INFLUENCER_NOT_FOUND'],
      [{ ...base, influencerId: 'not-a-uuid' }, 400, 'VALIDATION_FAILED'],
      [{ ...base, amount: '1000' }, 400, 'VALIDATION_FAILED'],
    ];
    for (const [body, status, code] of cases) {
      const r = await ctx.http.post('/api/collaborations', body, { token: company.token });
      expect({ body, status: r.status, code: r.body.code }).toEqual({ body, status, code });
    }
    const jpy = await ctx.http.post('/api/collaborations', { ...base, amount: 5000, currency: 'JPY' }, { token: company.token });
    expect(jpy.status).toBe(201);
    expect(jpy.body).toMatchObject({ amount: 5000, currency: 'jpy' });
    const asInfluencer = await ctx.http.post('/api/collaborations', base, { token: influencer.token });
    expect(asInfluencer.status).toBe(403);
  });

  it('never shows another user’s payment, collaboration or client secret, and only the payer can move money', async () => {
    const { collaboration, paymentId } = await proposeAndAccept(ctx, company, influencer, { amount: 7000 });
    const otherCompany = await ctx.user('company', 'Other brand');
    const otherInfluencer = await ctx.user('influencer', 'Other creator');
    for (const who of [otherCompany, otherInfluencer]) {
      expect((await ctx.http.get(`/api/payments/${paymentId}`, { token: who.token })).status).toBe(404);
      expect((await ctx.http.get(`/api/collaborations/${collaboration.id}`, { token: who.token })).status).toBe(404);
      expect((await ctx.http.get(`/api/payments/collaboration/${collaboration.id}`, { token: who.token })).status).toBe(404);
      const list = await ctx.http.get('/api/payments', { token: who.token });
      expect(list.body.data.find((p: any) => p.id === paymentId)).toBeUndefined();
    }
    expect((await ctx.http.get(`/api/payments/${paymentId}/client-secret`, { token: otherCompany.token })).status).toBe(404);
    expect((await ctx.http.get(`/api/payments/${paymentId}/client-secret`, { token: influencer.token })).status).toBe(403);
    const own = await ctx.http.get(`/api/payments/${paymentId}/client-secret`, { token: company.token });
    expect(own.body).toEqual({ clientSecret: expect.stringMatching(/^pi_.+_secret_/), publishableKey: ctx.emulator.publishableKey });
    expect((await ctx.http.post('/api/payments/create-intent', { collaborationId: collaboration.id }, { token: otherCompany.token })).status).toBe(404);
    await payWith(ctx, company, collaboration.id);
    const wrongRelease = await ctx.http.post(`/api/payments/collaboration/${collaboration.id}/release`, {}, { token: otherCompany.token });
    expect(wrongRelease.status).toBe(404);
    const influencerRelease = await ctx.http.post(`/api/payments/collaboration/${collaboration.id}/release`, {}, { token: influencer.token });
    expect(influencerRelease.status).toBe(403);
    const wrongRefund = await ctx.http.post(`/api/payments/${paymentId}/refund`, {}, { token: otherCompany.token });
    expect(wrongRefund.status).toBe(404);
    expect((await ctx.http.get(`/api/payments/${paymentId}`, { token: company.token })).body.status).toBe('HELD');
    expect((await ctx.http.get('/api/payments/not-a-uuid', { token: company.token })).status).toBe(404);
  });

  it('create-intent with an Idempotency-Key replays; a different body with the same key is 422', async () => {
    const a = await proposeAndAccept(ctx, company, influencer, { amount: 6000 });
    const b = await proposeAndAccept(ctx, company, influencer, { amount: 6000 });
    const headers = { 'idempotency-key': 'key-' + a.paymentId };
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        ctx.http.post('/api/payments/create-intent', { collaborationId: a.collaboration.id }, { token: company.token, headers }),
      ),
    );
    expect(new Set(results.map((r) => r.status))).toEqual(new Set([201]));
    expect(new Set(results.map((r) => r.body.clientSecret)).size).toBe(1);
    const reused = await ctx.http.post('/api/payments/create-intent', { collaborationId: b.collaboration.id }, { token: company.token, headers });
    expect(reused.status).toBe(422);
    expect(reused.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const tooLong = await ctx.http.post(
      '/api/payments/create-intent',
      { collaborationId: a.collaboration.id },
      { token: company.token, headers: { 'idempotency-key': 'x'.repeat(256) } },
    );
    expect(tooLong.status).toBe(400);
  });

  it('race: 10 concurrent accepts create one payment and one PaymentIntent; 10 concurrent confirms book it once', async () => {
    const res = await ctx.http.post(
      '/api/collaborations',
      { influencerId: influencer.id, title: 'Race accept', amount: 12345, currency: 'usd' },
      { token: company.token },
    );
    const accepts = await Promise.all(
      Array.from({ length: 10 }, () => ctx.http.post(`/api/collaborations/${res.body.id}/accept`, {}, { token: influencer.token })),
    );
    expect(accepts.map((a) => a.status)).toEqual(Array(10).fill(200));
    expect(new Set(accepts.map((a) => a.body.paymentInfo.paymentId)).size).toBe(1);
    const rows = await ctx.db.query(`SELECT id, stripe_payment_intent_id AS pi FROM payments WHERE collaboration_id = $1`, [res.body.id]);
    expect(rows).toHaveLength(1);
    const intents = (await ctx.stripe.paymentIntents.list({ limit: 100 })).data.filter((pi) => pi.metadata.collaboration_id === res.body.id);
    expect(intents.map((pi) => pi.id)).toEqual([rows[0].pi]);
    await ctx.stripe.paymentIntents.confirm(rows[0].pi, { payment_method: 'pm_card_visa' });
    const confirms = await Promise.all(Array.from({ length: 10 }, () => ctx.http.post(`/api/payments/${rows[0].id}/confirm`, {}, { token: company.token })));
    expect(confirms.map((c) => c.body.status)).toEqual(Array(10).fill('HELD'));
    const held = await ctx.db.query(`SELECT count(*)::int AS n FROM journal_entries WHERE idempotency_key = $1`, [`payment-held:${rows[0].id}`]);
    expect(held[0].n).toBe(1);
    await expectLedgerClean(ctx);
  });

  it('race: 50 concurrent release and refund calls end with exactly the money there was', async () => {
    const milestones = Array.from({ length: 10 }, (_, i) => ({ title: `Part ${i + 1}`, amount: 10000 }));
    const { collaboration, paymentId } = await proposeAndAccept(ctx, company, influencer, { amount: 100000, milestones });
    await payWith(ctx, company, collaboration.id);
    const view = await ctx.http.get(`/api/collaborations/${collaboration.id}`, { token: company.token });
    const walletBefore = await balance(ctx, Accounts.walletAvailable(influencer.id));
    const calls = Array.from({ length: 50 }, (_, i) => {
      const m = view.body.milestones[i % 10];
      if (i % 5 === 4) return ctx.http.post(`/api/payments/${paymentId}/refund`, { amount: 7000 }, { token: company.token });
      if (i % 7 === 6) return ctx.http.post(`/api/payments/collaboration/${collaboration.id}/release`, {}, { token: company.token });
      return ctx.http.post(`/api/payments/collaboration/${collaboration.id}/release`, { milestoneId: m.id }, { token: company.token });
    });
    const results = await Promise.all(calls);
    for (const r of results) expect([200, 409]).toContain(r.status);
    const final = (await ctx.http.get(`/api/payments/${paymentId}`, { token: company.token })).body;
    const okReleases = results.filter((r, i) => r.status === 200 && !(i % 5 === 4));
    const okRefunds = results.filter((r, i) => r.status === 200 && i % 5 === 4);
    expect(okRefunds.length * 7000).toBe(final.amountRefunded);
    expect(final.amountReleased + final.amountRefunded).toBeLessThanOrEqual(100000);
    expect(final.amountReleased).toBeGreaterThan(0);
    expect(okReleases.length).toBeGreaterThan(0);
    const escrow = await balance(ctx, Accounts.escrow(paymentId));
    expect(escrow).toBe(100000 - final.amountReleased - final.amountRefunded);
    const walletGain = (await balance(ctx, Accounts.walletAvailable(influencer.id))) - walletBefore;
    const feeShare = (await ctx.db.query(`SELECT fee_recognized FROM payments WHERE id = $1`, [paymentId]))[0].fee_recognized;
    expect(walletGain).toBe(final.amountReleased - Number(feeShare));
    const pi = await ctx.stripe.paymentIntents.retrieve(final.stripePaymentIntentId, { expand: ['latest_charge'] });
    expect((pi.latest_charge as any).amount_refunded).toBe(final.amountRefunded); // Stripe refunded exactly what we booked
    await expectLedgerClean(ctx);
  });
});
