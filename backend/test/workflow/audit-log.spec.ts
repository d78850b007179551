import { deriveAction, storable } from '../../src/modules/audit/audit';
import { createTestContext, eventually, TestContext, TestUser } from '../support/test-app';
import { funded, runAutoRelease } from './support';

/** Every admin action is in the audit log, done or refused; nobody else's actions are; only admins read it. */
describe('workflow: admin audit log', () => {
  let ctx: TestContext;
  let company: TestUser;
  let influencer: TestUser;
  let admin: TestUser;

  beforeAll(async () => {
    ctx = await createTestContext({ label: 'wf-audit' });
    [company, influencer, admin] = await Promise.all([ctx.user('company'), ctx.user('influencer'), ctx.user('admin')]);
  });
  afterAll(() => ctx?.close());

  const log = async (q = '') => (await ctx.http.get(`/api/admin/audit-log${q}`, { token: admin.token })).body;

  it('records dispute resolution, clawback, refunds, webhook replay and reconciliation, job runs — with outcome', async () => {
    const { collaboration: c, paymentId } = await funded(ctx, company, influencer, { amount: 8000 });
    const d = await ctx.http.post(`/api/collaborations/${c.id}/disputes`, { reason: 'other', details: 'x' }, { token: influencer.token });
    expect(
      (
        await ctx.http.post(
          `/api/admin/disputes/${d.body.id}/resolve`,
          { releaseAmount: 8000, refundAmount: 0, note: 'Delivered', password: 'hunter2' },
          { token: admin.token },
        )
      ).status,
    ).toBe(400);
    expect(
      (await ctx.http.post(`/api/admin/disputes/${d.body.id}/resolve`, { releaseAmount: 8000, refundAmount: 0, note: 'Delivered' }, { token: admin.token }))
        .status,
    ).toBe(200);
    expect((await ctx.http.post(`/api/admin/payments/${paymentId}/clawback`, { amount: 500, reason: 'Taken down' }, { token: admin.token })).status).toBe(200);
    expect((await runAutoRelease(ctx, admin)).status).toBe(200);
    await ctx.http.post('/api/admin/webhook-events/evt_missing/replay', {}, { token: admin.token });
    await ctx.http.post('/api/admin/payouts/reconcile', {}, { token: admin.token });
    // a party's own actions are not admin actions
    await ctx.http.post(`/api/disputes/${d.body.id}/messages`, { body: 'thanks' }, { token: company.token });

    const entries = await eventually(async () => {
      const b = await log('?limit=100');
      return b.data.length >= 6 ? b.data : null;
    });
    const actions = entries.map((e: { action: string }) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining(['dispute.resolve', 'payment.clawback', 'job.auto_release.run', 'webhook-events.replay', 'payouts.reconcile']),
    );
    expect(entries.every((e: { actorId: string }) => e.actorId === admin.id)).toBe(true);
    const resolved = entries.filter((e: { action: string }) => e.action === 'dispute.resolve');
    expect(resolved.map((e: any) => e.details.status).sort()).toEqual([200, 400]);
    const refused = resolved.find((e: any) => e.details.status === 400);
    expect(refused).toMatchObject({ targetType: 'dispute', targetId: d.body.id, details: { code: 'VALIDATION_FAILED', body: { password: '***' } } });
    expect(entries.find((e: any) => e.action === 'payment.clawback')).toMatchObject({
      targetId: paymentId,
      details: { status: 200, body: { amount: 500, reason: 'Taken down' } },
    });
    expect(entries.find((e: any) => e.action === 'webhook-events.replay')).toMatchObject({ targetId: 'evt_missing', details: { status: 404 } });

    // filters and pagination
    expect((await log('?action=payment.clawback')).data).toHaveLength(1);
    const page1 = await log('?limit=2');
    expect(page1.data).toHaveLength(2);
    const page2 = await log(`?limit=2&cursor=${page1.nextCursor}`);
    expect(page2.data[0].id).not.toBe(page1.data[1].id);
    expect((await ctx.http.get('/api/admin/audit-log?action=DROP%20TABLE', { token: admin.token })).status).toBe(400);
    expect((await ctx.http.get('/api/admin/audit-log?cursor=garbage', { token: admin.token })).status).toBe(400);
    for (const u of [company, influencer]) expect((await ctx.http.get('/api/admin/audit-log', { token: u.token })).status).toBe(403);
  });

  it('stores the entry of a request carrying NUL bytes and lone surrogates (PostgreSQL refuses both), marked U+FFFD', async () => {
    const res = await ctx.http.post(
      `/api/admin/webhook-events/evt_nul%00x/replay`,
      { 'k\u0000': 'a\u0000b', half: '\ud800', deep: { v: '\u0000' } },
      { token: admin.token },
    );
    expect(res.status).toBeLessThan(500);
    const entry = await eventually(async () => (await log('?action=webhook-events.replay')).data.find((e: any) => e.targetId?.startsWith('evt_nul')) ?? null);
    expect(entry).toMatchObject({ targetId: 'evt_nul\uFFFDx', details: { status: res.status, body: { 'k\uFFFD': 'a\uFFFDb', half: '\uFFFD' } } });
    expect(entry.details.body.deep).toBe(JSON.stringify({ v: '\u0000' }));
    expect(storable({ a: ['\u0000', 1, null, '\udc00x'] })).toEqual({ a: ['\uFFFD', 1, null, '\uFFFDx'] });
  });

  it('names undecorated routes from their path', () => {
    expect(deriveAction('POST', '/api/admin/webhook-events/:id/replay')).toEqual({ action: 'webhook-events.replay', targetType: 'webhook-events' });
    expect(deriveAction('POST', '/api/payments/:id/refund')).toEqual({ action: 'payments.refund', targetType: 'payments' });
    expect(deriveAction('DELETE', '/api/admin/things/:id')).toEqual({ action: 'things.delete', targetType: 'things' });
  });
});
