import { Accounts } from '../../src/modules/ledger/domain/accounts';
import { balance, payWith, proposeAndAccept } from '../support/flows';
import type { TestContext, TestUser } from '../support/test-app';

/**
 * A collaboration proposed, accepted and paid (funds HELD), through the real API and the emulator. `paymentMethod`
 * 'pm_card_bypassPending' makes the charge's funds available at Stripe at once (payable after release).
 */
export async function funded(
  ctx: TestContext,
  company: TestUser,
  influencer: TestUser,
  opts: { amount?: number; currency?: string; milestones?: Array<{ title: string; amount: number }>; paymentMethod?: string } = {},
) {
  const { paymentMethod, ...proposal } = opts;
  const { collaboration, paymentId } = await proposeAndAccept(ctx, company, influencer, proposal);
  const paid = await payWith(ctx, company, collaboration.id, paymentMethod);
  if (paid.payment?.status !== 'HELD') throw new Error(`payment not held: ${JSON.stringify(paid.payment)}`);
  return { collaboration, paymentId, milestones: collaboration.milestones as Array<{ id: string; amount: number; title: string }> };
}

export const submit = (
  ctx: TestContext,
  influencer: TestUser,
  cid: string,
  mid: string,
  note = 'Here is the video',
  links: string[] = ['https://example.com/v1'],
) => ctx.http.post(`/api/collaborations/${cid}/milestones/${mid}/submit`, { note, links }, { token: influencer.token });

export const approve = (ctx: TestContext, company: TestUser, cid: string, mid: string, key?: string) =>
  ctx.http.post(`/api/collaborations/${cid}/milestones/${mid}/approve`, {}, { token: company.token, headers: key ? { 'idempotency-key': key } : {} });

export const requestChanges = (ctx: TestContext, company: TestUser, cid: string, mid: string, note = 'Please shorten the intro') =>
  ctx.http.post(`/api/collaborations/${cid}/milestones/${mid}/request-changes`, { note }, { token: company.token });

export const runAutoRelease = (ctx: TestContext, admin: TestUser, asOf?: Date) =>
  ctx.http.post('/api/admin/jobs/auto-release/run', asOf ? { asOf: asOf.toISOString() } : {}, { token: admin.token });

export const inDays = (days: number) => new Date(Date.now() + days * 86_400_000);

export const walletAvailable = (ctx: TestContext, user: TestUser, currency = 'usd') => balance(ctx, Accounts.walletAvailable(user.id), currency);
export const walletOwed = (ctx: TestContext, user: TestUser, currency = 'usd') => balance(ctx, Accounts.walletOwed(user.id), currency);

/** Journal entries that released a milestone (one per milestone, ever). */
export async function milestoneReleases(ctx: TestContext, milestoneId: string): Promise<number> {
  const [r] = await ctx.db.query(`SELECT count(*)::int AS n FROM journal_entries WHERE idempotency_key = $1`, [`release-milestone:${milestoneId}`]);
  return r.n;
}

/** Outbox rows of one user and event, oldest first. */
export async function outboxEvents(ctx: TestContext, userId: string, event: string): Promise<Array<Record<string, any>>> {
  const rows = await ctx.db.query(`SELECT payload FROM outbox_events WHERE user_id = $1 AND event = $2 ORDER BY id`, [userId, event]);
  return rows.map((r: { payload: Record<string, any> }) => r.payload);
}
