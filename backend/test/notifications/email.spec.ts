import { OutboxService } from '../../src/modules/outbox/outbox.service';
import { EMAIL_KIND_LIST, EmailKind } from '../../src/modules/notifications/domain/email-kinds';
import { EmailDispatcher } from '../../src/modules/notifications/email-dispatcher.service';
import { payWith, proposeAndAccept } from '../support/flows';
import { startTestSmtp, TestSmtp } from '../support/smtp';
import { createTestContext, eventually, TestContext, TestUser } from '../support/test-app';

/** Email notifications end to end: queued with the change, sent after commit through a real SMTP server. */
describe('email notifications', () => {
  let ctx: TestContext;
  let smtp: TestSmtp;
  let company: TestUser;
  let influencer: TestUser;

  beforeAll(async () => {
    smtp = await startTestSmtp();
    ctx = await createTestContext({ label: 'email', env: { SMTP_URL: smtp.url, MAIL_POLL_MS: '200', MAIL_BACKOFF_MS: '50' } });
    company = await ctx.user('company', 'Acme Brands');
    influencer = await ctx.user('influencer', 'Ivy Influencer');
  });
  afterAll(async () => {
    await ctx?.close();
    await smtp?.close();
  });

  const statusOf = async (userId: string, kind: string) =>
    (await ctx.db.query(`SELECT status FROM email_notifications WHERE user_id = $1 AND kind = $2 ORDER BY id`, [userId, kind])).map((r: any) => r.status);

  it('a held payment emails both parties once, and a release emails the influencer, with an unsubscribe link', async () => {
    const { collaboration } = await proposeAndAccept(ctx, company, influencer, { amount: 250000 });
    const paid = await payWith(ctx, company, collaboration.id);
    expect(paid.payment.status).toBe('HELD');
    await eventually(
      () => smtp.to(company.email).some((m) => /held/i.test(m.subject)) && smtp.to(influencer.email).some((m) => /held/i.test(m.subject)),
      15_000,
      'held emails',
    );
    // the webhook for the same payment arrives after confirm already applied it: still one email each
    await ctx.emulator.flushWebhooks();
    await ctx.app.get(EmailDispatcher).kick();
    const heldToInfluencer = smtp.to(influencer.email).filter((m) => /held/i.test(m.subject));
    expect(heldToInfluencer).toHaveLength(1);
    expect(smtp.to(company.email).filter((m) => /held/i.test(m.subject))).toHaveLength(1);
    const mail = heldToInfluencer[0];
    expect(mail.subject).toBe('Payment of $2,500.00 is held by CollabPay');
    expect(mail.text).toContain('Hi Ivy Influencer,');
    expect(mail.text).toContain(`/collaborations/${collaboration.id}`);
    expect(String(mail.header('list-unsubscribe'))).toMatch(/\/api\/notifications\/unsubscribe\?u=.+&k=payment_held&s=/);
    expect(String(mail.header('list-unsubscribe-post'))).toBe('List-Unsubscribe=One-Click');
    expect(mail.html).toContain('Unsubscribe');

    const r = await ctx.http.post(`/api/payments/collaboration/${collaboration.id}/release`, {}, { token: company.token });
    expect(r.status).toBe(200);
    await eventually(() => smtp.to(influencer.email).some((m) => /released to your wallet/.test(m.subject)), 15_000, 'release email');
    expect(smtp.to(company.email).some((m) => /released/.test(m.subject))).toBe(false);
  });

  it('renders every kind of email and delivers it to the right person', async () => {
    const outbox = ctx.app.get(OutboxService);
    const user = await ctx.user('influencer', 'Kai Kinds');
    await ctx.db.transaction(async (em) => {
      for (const kind of EMAIL_KIND_LIST)
        await outbox.queueEmail(em, user.id, kind, `all-kinds:${kind}`, {
          amount: 12345,
          currency: 'usd',
          collaborationId: '00000000-0000-4000-8000-000000000001',
          payoutId: '00000000-0000-4000-8000-000000000002',
          message: 'Payout of $123.45 failed (no_account)',
          title: 'Launch video',
          reviewDueAt: '2026-12-01T12:00:00.000Z',
          deadline: 1796000000,
        });
    });
    outbox.notifyCommitted();
    await eventually(() => smtp.to(user.email).length === EMAIL_KIND_LIST.length, 15_000, 'one email per kind');
    const subjects = Object.fromEntries(smtp.to(user.email).map((m) => [String(m.header('x-collabpay-kind')), m.subject])) as Record<EmailKind, string>;
    expect(subjects).toEqual({
      collaboration_proposed: 'New collaboration proposal: Launch video',
      payment_held: 'Payment of $123.45 is held by CollabPay',
      milestone_submitted: 'Work submitted for your review',
      changes_requested: 'Changes requested',
      auto_release_soon: 'Money is released automatically soon',
      payment_released: '$123.45 released to your wallet',
      dispute_update: 'Update on a dispute',
      payout_paid: 'Payout of $123.45 is on its way to your bank',
      payout_failed: 'Payout of $123.45 failed',
      requirements_due: 'Stripe needs a few details before your next payout',
    });
    for (const m of smtp.to(user.email)) {
      expect(m.to).toEqual([user.email.toLowerCase()]);
      expect(m.text).not.toMatch(/undefined|null|NaN|\[object/);
      expect(m.html).not.toMatch(/undefined|NaN|\[object/);
    }
  });

  it('respects preferences: a kind switched off is not sent; unknown kinds and non-booleans are refused with 400', async () => {
    const user = await ctx.user('influencer', 'Pia Prefs');
    const initial = await ctx.http.get('/api/notifications/preferences', { token: user.token });
    expect(initial.status).toBe(200);
    expect(initial.body.email.payout_paid).toBe(true);
    expect(initial.body.emailEnabled).toBe(true);
    const off = await ctx.http.put('/api/notifications/preferences', { email: { payout_paid: false } }, { token: user.token });
    expect(off.status).toBe(200);
    expect(off.body.email.payout_paid).toBe(false);
    expect(off.body.email.payout_failed).toBe(true);
    expect((await ctx.http.put('/api/notifications/preferences', { email: { nope: true } }, { token: user.token })).body.code).toBe(
      'UNKNOWN_NOTIFICATION_KIND',
    );
    expect((await ctx.http.put('/api/notifications/preferences', { email: { payout_paid: 'no' } }, { token: user.token })).status).toBe(400);
    expect((await ctx.http.put('/api/notifications/preferences', { email: [] }, { token: user.token })).status).toBe(400);
    expect((await ctx.http.get('/api/notifications/preferences')).status).toBe(401);

    const outbox = ctx.app.get(OutboxService);
    await ctx.db.transaction(async (em) => {
      await outbox.append(em, user.id, 'payout:update', { payoutId: 'p-off', status: 'COMPLETED', amount: 5000, currency: 'usd', message: 'paid' });
      await outbox.append(em, user.id, 'payout:update', { payoutId: 'p-on', status: 'FAILED', amount: 5000, currency: 'usd', message: 'failed' });
    });
    outbox.notifyCommitted();
    await eventually(() => smtp.to(user.email).some((m) => /failed/.test(m.subject)), 15_000, 'failed payout email');
    await eventually(async () => (await statusOf(user.id, 'payout_paid'))[0] === 'SKIPPED', 10_000, 'paid payout skipped');
    expect(smtp.to(user.email).some((m) => /on its way/.test(m.subject))).toBe(false);
  });

  it('the unsubscribe link shows a confirmation page (GET changes nothing), and the signed POST switches that kind off', async () => {
    const user = await ctx.user('company', 'Uma Unsub');
    const outbox = ctx.app.get(OutboxService);
    await ctx.db.transaction((em) => outbox.queueEmail(em, user.id, 'payment_held', 'unsub-1', { amount: 100, currency: 'usd', collaborationId: 'c' }));
    outbox.notifyCommitted();
    const mail = await eventually(() => smtp.to(user.email)[0], 15_000, 'email');
    const link = String(mail.header('list-unsubscribe')).replace(/^<|>$/g, '');
    const path = link.slice(link.indexOf('/api/'));
    const page = await fetch(`${ctx.baseUrl}${path}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<form method="post"');
    expect((await ctx.http.get('/api/notifications/preferences', { token: user.token })).body.email.payment_held).toBe(true);

    const tampered = await fetch(`${ctx.baseUrl}${path.replace(/s=([^&]+)/, 's=AAAA$1')}`, { method: 'POST' });
    expect(tampered.status).toBe(400);
    const otherKind = await fetch(`${ctx.baseUrl}${path.replace('k=payment_held', 'k=payout_paid')}`, { method: 'POST' });
    expect(otherKind.status).toBe(400);
    expect((await ctx.http.get('/api/notifications/preferences', { token: user.token })).body.email.payment_held).toBe(true);

    const done = await fetch(`${ctx.baseUrl}${path}`, {
      method: 'POST',
      body: 'List-Unsubscribe=One-Click',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('You are unsubscribed');
    const prefs = (await ctx.http.get('/api/notifications/preferences', { token: user.token })).body.email;
    expect(prefs.payment_held).toBe(false);
    expect(prefs.payout_paid).toBe(true);
  });

  it('queues one email per event even when the event is announced twice, and sends each row once under concurrent dispatch', async () => {
    const user = await ctx.user('influencer', 'Dee Dupe');
    const outbox = ctx.app.get(OutboxService);
    await ctx.db.transaction(async (em) => {
      await outbox.append(em, user.id, 'payment:update', { paymentId: 'dup-1', status: 'HELD', amount: 700, currency: 'usd', message: 'held' });
    });
    await ctx.db.transaction(async (em) => {
      await outbox.append(em, user.id, 'payment:update', { paymentId: 'dup-1', status: 'HELD', amount: 700, currency: 'usd', message: 'held again' });
    });
    const dispatcher = ctx.app.get(EmailDispatcher);
    await Promise.all([dispatcher.kick(), dispatcher.kick(), dispatcher.kick()]);
    await eventually(() => smtp.to(user.email).length >= 1, 15_000, 'held email');
    await new Promise((r) => setTimeout(r, 500));
    expect(smtp.to(user.email)).toHaveLength(1);
    expect(await statusOf(user.id, 'payment_held')).toEqual(['SENT']);
  });

  it('retries a send the SMTP server refused, and sends it once', async () => {
    const user = await ctx.user('influencer', 'Rey Retry');
    smtp.refuseNext(2);
    const outbox = ctx.app.get(OutboxService);
    await ctx.db.transaction((em) => outbox.queueEmail(em, user.id, 'payout_failed', 'retry-1', { amount: 100, currency: 'usd', message: 'x' }));
    outbox.notifyCommitted();
    await eventually(() => smtp.to(user.email).length === 1, 20_000, 'email after retries');
    // the server has the mail before the dispatcher marks the row SENT (a busy machine shows the gap)
    const row = await eventually(
      async () => {
        const [r] = await ctx.db.query(`SELECT status, attempts FROM email_notifications WHERE user_id = $1`, [user.id]);
        return r?.status === 'SENDING' ? null : r;
      },
      10_000,
      'row marked',
    );
    expect(row).toEqual({ status: 'SENT', attempts: 3 });
    expect(smtp.to(user.email)).toHaveLength(1);
  });

  it('queues nothing while email is off (no SMTP_URL)', async () => {
    const plain = await createTestContext({ label: 'email-off' });
    try {
      const user = await plain.user('influencer');
      await plain.db.transaction((em) =>
        plain.app.get(OutboxService).append(em, user.id, 'payout:update', { payoutId: 'x', status: 'COMPLETED', amount: 1, currency: 'usd' }),
      );
      expect(await plain.db.query(`SELECT count(*)::int AS n FROM email_notifications`)).toEqual([{ n: 0 }]);
      expect((await plain.http.get('/api/notifications/preferences', { token: user.token })).body.emailEnabled).toBe(false);
    } finally {
      await plain.close();
    }
  });
});
