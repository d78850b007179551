import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import { QUEUES } from '../../src/common/queue/queue.module';
import { expectLedgerClean } from '../support/flows';
import { createTestContext, eventually, TestContext, TestUser } from '../support/test-app';
import { approve, funded, inDays, milestoneReleases, runAutoRelease, submit, walletAvailable } from './support';

/**
 * Auto-release racing approval, the release route and refunds, on two API instances that share PostgreSQL, Redis
 * (queue prefix) and the emulator, each also running the scheduled job.
 */
describe('workflow: auto-release races (two instances)', () => {
  let a: TestContext;
  let b: TestContext;
  let company: TestUser;
  let influencer: TestUser;
  let admin: TestUser;

  beforeAll(async () => {
    a = await createTestContext({ label: 'wf-race-a', env: { AUTO_RELEASE_INTERVAL_MS: '250' } });
    b = await createTestContext({
      label: 'wf-race-b',
      databaseUrl: a.databaseUrl,
      sharedEmulator: a.emulator,
      queuePrefix: a.config.queuePrefix,
      env: { AUTO_RELEASE_INTERVAL_MS: '250' },
    });
    [company, influencer, admin] = await Promise.all([a.user('company'), a.user('influencer'), a.user('admin')]);
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('the repeatable job exists once whatever the number of instances, and releases a due milestone by itself', async () => {
    const queue = a.app.get<Queue>(getQueueToken(QUEUES.workflow), { strict: false });
    const repeatable = (await queue.getRepeatableJobs()).filter((j) => j.name === 'auto-release');
    expect(repeatable).toHaveLength(1);
    expect(Number(repeatable[0].every)).toBe(250);
    const { collaboration: c, milestones } = await funded(a, company, influencer, { amount: 6000 });
    await submit(a, influencer, c.id, milestones[0].id);
    await a.db.query(`UPDATE milestones SET review_due_at = now() - interval '1 second' WHERE id = $1`, [milestones[0].id]);
    await eventually(async () => (await milestoneReleases(a, milestones[0].id)) === 1, 15_000, 'the scheduled pass');
    const view = await a.http.get(`/api/collaborations/${c.id}`, { token: company.token });
    expect(view.body).toMatchObject({ status: 'COMPLETED', milestones: [{ status: 'RELEASED' }] });
  });

  it('approval, release route, refund and two admin runs on two instances at once: each milestone’s money moves exactly once', async () => {
    const walletBefore = await walletAvailable(a, influencer);
    const N = 6;
    const collabs = [];
    for (let i = 0; i < N; i++) {
      const f = await funded(a, company, influencer, {
        amount: 20000,
        milestones: [
          { title: 'first', amount: 7000 },
          { title: 'second', amount: 13000 },
        ],
      });
      for (const m of f.milestones) expect((await submit(a, influencer, f.collaboration.id, m.id)).status).toBe(200);
      collabs.push(f);
    }
    const asOf = inDays(8);
    const ops: Array<() => Promise<{ status: number; body: any }>> = [];
    collabs.forEach((f, i) => {
      const ctx = i % 2 ? a : b;
      const cid = f.collaboration.id;
      ops.push(() => approve(ctx, company, cid, f.milestones[0].id));
      ops.push(() => approve(i % 2 ? b : a, company, cid, f.milestones[1].id));
      if (i % 3 === 0) ops.push(() => ctx.http.post(`/api/payments/collaboration/${cid}/release`, {}, { token: company.token }));
      if (i % 3 === 1) ops.push(() => ctx.http.post(`/api/payments/${f.paymentId}/refund`, {}, { token: company.token }));
    });
    ops.push(() => runAutoRelease(a, admin, asOf));
    ops.push(() => runAutoRelease(b, admin, asOf));
    const results = await Promise.all(ops.map((op) => op()));
    for (const r of results) expect([200, 409]).toContain(r.status);
    for (const r of results.filter((x) => x.status === 409)) {
      expect([
        'MILESTONE_ALREADY_RELEASED',
        'MILESTONE_REFUNDED',
        'PAYMENT_NOT_HELD',
        'AMOUNT_EXCEEDS_HELD',
        'RELEASE_IN_PROGRESS',
        'INVALID_AMOUNT',
        'REFUND_IN_PROGRESS',
      ]).toContain(r.body.code);
    }
    // a second pass finds nothing left
    expect((await runAutoRelease(b, admin, asOf)).body.released).toEqual([]);

    let expectedNet = 0;
    for (const f of collabs) {
      const p = (await a.http.get(`/api/payments/${f.paymentId}`, { token: company.token })).body;
      expect(p.amountReleased + p.amountRefunded).toBe(20000);
      const view = (await a.http.get(`/api/collaborations/${f.collaboration.id}`, { token: company.token })).body;
      for (const m of view.milestones) {
        expect(['RELEASED', 'REFUNDED']).toContain(m.status);
        const entries = await milestoneReleases(a, m.id);
        expect(entries).toBeLessThanOrEqual(1);
      }
      expectedNet += p.amountReleased - Math.floor((p.platformFee * p.amountReleased) / p.amount);
    }
    expect((await walletAvailable(a, influencer)) - walletBefore).toBe(expectedNet);
    const [{ n }] = await a.db.query(
      `SELECT count(*)::int AS n FROM (SELECT reference_id FROM journal_entries WHERE type = 'release' GROUP BY reference_id, idempotency_key HAVING count(*) > 1) d`,
    );
    expect(n).toBe(0);
    await expectLedgerClean(a);
  });
});
