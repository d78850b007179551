import { ConnectService } from '../../src/modules/connect/connect.service';
import { EmailDispatcher } from '../../src/modules/notifications/email-dispatcher.service';
import { MilestonesService } from '../../src/modules/milestones/milestones.service';
import { startTestSmtp, TestSmtp } from '../support/smtp';
import { createTestContext, eventually, TestContext, TestUser } from '../support/test-app';
import { onboard, PAYOUT_DELAYS } from '../wallet/support';
import { funded, inDays, runAutoRelease, submit } from '../workflow/support';

const DAY_S = 86_400;

/**
 * The two emails no realtime event carries: `auto_release_soon` (from the auto-release pass, 48 h before) and
 * `requirements_due` (from `account.updated`). Real SMTP server, real webhooks from the emulator; each is sent once per
 * real event — not again on another pass, a second instance or a redelivery — and not to someone who switched it off.
 */
describe('email triggers: auto-release soon, Stripe requirements due', () => {
  let ctx: TestContext;
  let smtp: TestSmtp;
  let admin: TestUser;

  beforeAll(async () => {
    smtp = await startTestSmtp();
    ctx = await createTestContext({
      label: 'email-triggers',
      env: { SMTP_URL: smtp.url, MAIL_POLL_MS: '200', MAIL_BACKOFF_MS: '50', AUTO_RELEASE_INTERVAL_MS: '0', PAYOUT_RECONCILE_INTERVAL_MS: '0' },
      emulator: { delays: PAYOUT_DELAYS },
    });
    admin = await ctx.user('admin');
  });
  afterAll(async () => {
    await ctx?.close();
    await smtp?.close();
  });

  const kindOf = (user: TestUser, kind: string) => smtp.to(user.email).filter((m) => m.header('x-collabpay-kind') === kind);
  const rows = async (userId: string, kind: string): Promise<string[]> =>
    (await ctx.db.query(`SELECT status FROM email_notifications WHERE user_id = $1 AND kind = $2 ORDER BY id`, [userId, kind])).map((r: any) => r.status);
  /** Everything queued is sent (or skipped) before counting. */
  const settled = async (userId: string, kind: string) => {
    await ctx.app.get(EmailDispatcher).kick();
    await eventually(async () => (await rows(userId, kind)).every((s) => s === 'SENT' || s === 'SKIPPED'), 15_000, `${kind} emails settled`);
  };

  it('auto_release_soon: the company is emailed once, 48 h before the review period ends, whatever the passes and instances', async () => {
    const company = await ctx.user('company', 'Acme Brands');
    const influencer = await ctx.user('influencer', 'Ivy');
    const { collaboration: c, milestones } = await funded(ctx, company, influencer, { amount: 30000 });
    expect((await submit(ctx, influencer, c.id, milestones[0].id)).status).toBe(200);

    // 4 days before the end (7-day review period): too early
    expect((await runAutoRelease(ctx, admin, inDays(3))).status).toBe(200);
    expect(await rows(company.id, 'auto_release_soon')).toEqual([]);

    // within 48 h: one email to the company, none to the influencer
    expect((await runAutoRelease(ctx, admin, inDays(5.5))).status).toBe(200);
    const [mail] = await eventually(() => (kindOf(company, 'auto_release_soon').length ? kindOf(company, 'auto_release_soon') : null), 15_000, 'email');
    expect(mail.subject).toBe('Money is released automatically soon');
    expect(mail.text).toContain(`/collaborations/${c.id}`);
    expect(mail.text).toContain(`“${milestones[0].title}”`);

    // later passes, and two instances running the reminders at once, queue nothing more
    await runAutoRelease(ctx, admin, inDays(6));
    const m = ctx.app.get(MilestonesService);
    await Promise.all([m.remindAutoRelease(inDays(6.5), 48 * 3_600_000), m.remindAutoRelease(inDays(6.5), 48 * 3_600_000)]);
    await settled(company.id, 'auto_release_soon');
    expect(kindOf(company, 'auto_release_soon')).toHaveLength(1);
    expect(await rows(company.id, 'auto_release_soon')).toEqual(['SENT']);
    expect(kindOf(influencer, 'auto_release_soon')).toHaveLength(0);
  });

  it('auto_release_soon is not sent to a company that switched it off', async () => {
    const company = await ctx.user('company', 'Quiet Co');
    const influencer = await ctx.user('influencer', 'Ian');
    const off = await ctx.http.put('/api/notifications/preferences', { email: { auto_release_soon: false } }, { token: company.token });
    expect(off.status).toBe(200);
    const { collaboration: c, milestones } = await funded(ctx, company, influencer, { amount: 20000 });
    expect((await submit(ctx, influencer, c.id, milestones[0].id)).status).toBe(200);
    await runAutoRelease(ctx, admin, inDays(6));
    await eventually(async () => (await rows(company.id, 'auto_release_soon')).length === 1, 10_000, 'queued');
    await settled(company.id, 'auto_release_soon');
    expect(await rows(company.id, 'auto_release_soon')).toEqual(['SKIPPED']);
    expect(kindOf(company, 'auto_release_soon')).toHaveLength(0);
  });

  const setRequirements = async (accountId: string, fields: Record<string, string>) => {
    const r = await fetch(`${ctx.emulator.url}/_emulator/accounts/${accountId}/requirements`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields),
    });
    expect(r.status).toBe(200);
  };
  const emulatorNow = async () => (await (await fetch(`${ctx.emulator.url}/_emulator/clock`)).json()).now as number;
  const deadlineOf = async (userId: string) =>
    (await ctx.db.query(`SELECT current_deadline::float8 AS d FROM connected_accounts WHERE user_id = $1`, [userId]))[0]?.d as number | null;

  it('requirements_due: once per new set of fields due and deadline, not per account.updated or redelivery', async () => {
    const ava = await ctx.user('influencer', 'Ava');
    const accountId = await onboard(ctx, ava);
    // onboarding itself (fields due before the details are submitted) is not "Stripe needs more"
    expect(await rows(ava.id, 'requirements_due')).toEqual([]);

    const deadline = (await emulatorNow()) + 7 * DAY_S;
    const due = { 'currently_due[]': 'individual.verification.document', current_deadline: String(deadline) };
    await setRequirements(accountId, due);
    await eventually(async () => (await deadlineOf(ava.id)) === deadline, 10_000, 'account.updated with the deadline');
    const [mail] = await eventually(() => (kindOf(ava, 'requirements_due').length ? kindOf(ava, 'requirements_due') : null), 15_000, 'email');
    expect(mail.subject).toBe('Stripe needs a few details before your next payout');
    expect(mail.text).toContain(new Date(deadline * 1000).toUTCString());

    // the same requirements announced again (a new account.updated), and the stored event redelivered to the handler
    await setRequirements(accountId, due);
    const [stored] = await ctx.db.query(
      `SELECT payload FROM webhook_events WHERE type = 'account.updated' AND account = $1 AND status = 'PROCESSED' ORDER BY stripe_created_at DESC, received_at DESC LIMIT 1`,
      [accountId],
    );
    expect(stored.payload.data.object.requirements.currently_due).toEqual(['individual.verification.document']);
    await ctx.db.transaction((em) => ctx.app.get(ConnectService).applyAccountUpdated(em, stored.payload));
    await ctx.emulator.flushWebhooks();
    await settled(ava.id, 'requirements_due');
    expect(kindOf(ava, 'requirements_due')).toHaveLength(1);

    // the deadline passes with the document missing: past due, payouts paused — that is news, one more email
    await ctx.emulator.advanceTime(8 * DAY_S * 1000);
    await eventually(async () => (await rows(ava.id, 'requirements_due')).length === 2, 10_000, 'past-due email queued');
    await settled(ava.id, 'requirements_due');
    const emails = kindOf(ava, 'requirements_due');
    expect(emails).toHaveLength(2);
    expect(emails[1].text).toContain('Your payouts are paused until you provide it.');
  });

  it('requirements_due is not sent to an influencer who switched it off', async () => {
    const bea = await ctx.user('influencer', 'Bea');
    const accountId = await onboard(ctx, bea);
    expect((await ctx.http.put('/api/notifications/preferences', { email: { requirements_due: false } }, { token: bea.token })).status).toBe(200);
    await setRequirements(accountId, { 'currently_due[]': 'individual.id_number', current_deadline: String((await emulatorNow()) + 3 * DAY_S) });
    await eventually(async () => (await rows(bea.id, 'requirements_due')).length === 1, 10_000, 'queued');
    await settled(bea.id, 'requirements_due');
    expect(await rows(bea.id, 'requirements_due')).toEqual(['SKIPPED']);
    expect(kindOf(bea, 'requirements_due')).toHaveLength(0);
  });
});
