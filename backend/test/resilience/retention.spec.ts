import { randomUUID } from 'node:crypto';
import { ScheduledJobs } from '../../src/common/queue/scheduled-jobs.service';
import { createTestContext, eventually, TestContext, TestUser } from '../support/test-app';
import { appendCommitted, connectClient } from '../realtime/realtime-helpers';
import { proposeAndAccept } from '../support/flows';

/**
 * Scheduled work runs as Bull repeatable jobs of the `maintenance` queue (no timers, no hand-made locks), and the
 * retention job deletes old sent outbox rows, old processed inbox rows, expired idempotency keys and clawback request
 * records past their window, nothing else.
 */
describe('scheduled jobs and retention', () => {
  let ctx: TestContext;
  let user: TestUser;

  beforeAll(async () => {
    ctx = await createTestContext({
      label: 'retention',
      env: {
        WEBHOOK_SWEEP_INTERVAL_MS: '700',
        WEBHOOK_RECONCILE_INTERVAL_MS: '0',
        PAYOUT_RECONCILE_INTERVAL_MS: '120000',
        REFUND_RECONCILE_INTERVAL_MS: '90000',
        RETENTION_INTERVAL_MS: '3600000',
        OUTBOX_RETENTION_HOURS: '24',
        WEBHOOK_INBOX_RETENTION_HOURS: '120',
        WEBHOOK_RECONCILE_LOOKBACK_S: '3600',
        CLAWBACK_REQUEST_RETENTION_HOURS: '72',
      },
    });
    user = await ctx.user('company', 'Retention Co');
  });
  afterAll(() => ctx?.close());

  it('schedules each enabled job once as a Bull repeatable job with the configured interval', async () => {
    const jobs = ctx.app.get(ScheduledJobs);
    await jobs.schedule();
    await jobs.schedule(); // idempotent
    const repeatable = await jobs.queue.getRepeatableJobs();
    expect(repeatable.map((r) => [r.name, Number(r.every)]).sort()).toEqual([
      ['payouts-reconcile', 120_000],
      ['refunds-reconcile', 90_000],
      ['retention', 3_600_000],
      ['webhooks-sweep', 700],
    ]);
    // the registry also knows the disabled one (run on demand)
    expect(
      jobs
        .list()
        .map((j) => j.name)
        .sort(),
    ).toEqual(['payouts-reconcile', 'refunds-reconcile', 'retention', 'webhooks-reconcile', 'webhooks-sweep']);
  });

  it('runs the sweeper through the queue: a stored event with no job gets one and is applied', async () => {
    const id = `evt_sweep_${randomUUID().replace(/-/g, '')}`;
    const payload = { id, object: 'event', type: 'customer.created', data: { object: { id: 'cus_x', object: 'customer' } }, created: 1, livemode: false };
    // as if Redis had been down when it arrived: stored, never enqueued
    await ctx.db.query(
      `INSERT INTO webhook_events (id, type, payload, stripe_created_at, received_at) VALUES ($1, 'customer.created', $2, now(), now() - interval '1 minute')`,
      [id, JSON.stringify(payload)],
    );
    await eventually(
      async () => ['PROCESSED', 'IGNORED'].includes((await ctx.db.query(`SELECT status FROM webhook_events WHERE id = $1`, [id]))[0]?.status),
      15_000,
      'the scheduled sweep enqueued the event',
    );
  });

  it('deletes only what is past its retention; `sync` still replays everything within the window', async () => {
    // 12 events for the user, relayed (sent)
    await appendCommitted(
      ctx,
      Array.from({ length: 12 }, (_, i) => ({ userId: user.id, payload: { n: i } })),
    );
    await eventually(
      async () => Number((await ctx.db.query(`SELECT sent_seq FROM user_event_seqs WHERE user_id = $1`, [user.id]))[0]?.sent_seq) === 12,
      10_000,
      'relayed',
    );
    // the first 5 were sent two days ago: past OUTBOX_RETENTION_HOURS=24
    await ctx.db.query(`UPDATE outbox_events SET created_at = now() - interval '48 hours' WHERE user_id = $1 AND seq <= 5`, [user.id]);
    // another user's two rows of two days ago: seq 1 was sent, seq 2 was not (past the user's sent watermark): it stays
    const other = randomUUID();
    await ctx.db.query(`INSERT INTO user_event_seqs (user_id, last_seq, sent_seq) VALUES ($1, 1, 1)`, [other]);
    await ctx.db.query(
      `INSERT INTO outbox_events (user_id, seq, event, payload, created_at) SELECT $1, g, 'payment:update', '{}', now() - interval '48 hours' FROM generate_series(1, 2) g`,
      [other],
    );
    // inbox: processed/ignored 6 days ago (past 120 h) go; recent ones, RECEIVED and FAILED ones stay
    const ev = (s: string) => `evt_ret_${s}_${randomUUID().slice(0, 8)}`;
    const rows: Array<[string, string, string]> = [
      [ev('old_processed'), 'PROCESSED', '6 days'],
      [ev('old_ignored'), 'IGNORED', '6 days'],
      [ev('new_processed'), 'PROCESSED', '1 day'],
      [ev('old_failed'), 'FAILED', '6 days'],
      [ev('old_received'), 'RECEIVED', '6 days'],
    ];
    for (const [id, status, age] of rows) {
      await ctx.db.query(
        `INSERT INTO webhook_events (id, type, payload, status, stripe_created_at, received_at, processed_at)
         VALUES ($1, 'test.retention', '{}', $2, now() - $3::interval, now() - $3::interval, CASE WHEN $2 IN ('PROCESSED','IGNORED') THEN now() - $3::interval END)`,
        [id, status, age],
      );
    }
    // idempotency keys: one past its 24 h life, one fresh
    for (const [key, age] of [
      ['expired', '25 hours'],
      ['fresh', '1 hour'],
    ]) {
      await ctx.db.query(
        `INSERT INTO idempotency_keys (user_id, scope, key, request_hash, state, response_status, response_body, created_at, completed_at)
         VALUES ($1, 'POST /x', $2, 'h', 'completed', 201, '{}', now() - $3::interval, now() - $3::interval)`,
        [user.id, key, age],
      );
    }

    // clawback request records: past CLAWBACK_REQUEST_RETENTION_HOURS=72 they go; younger ones stay, including one
    // older than the 24 h Idempotency-Key life (a retry within the key's life must still find its record)
    // (another company: the proposal's own live events must not change `user`'s outbox counted below)
    const payer = await ctx.user('company', 'Clawback Co');
    const influencer = await ctx.user('influencer', 'Retention Ava');
    const { paymentId } = await proposeAndAccept(ctx, payer, influencer, { amount: 10000 });
    const clawbacks: Array<[string, string]> = [
      ['old-4d', '4 days'],
      ['old-73h', '73 hours'],
      ['kept-71h', '71 hours'],
      ['kept-25h', '25 hours'],
      ['kept-now', '1 minute'],
    ];
    for (const [key, age] of clawbacks) {
      await ctx.db.query(
        `INSERT INTO clawback_requests (payment_id, request_key, stripe_refund_id, created_at) VALUES ($1, $2, 're_x', now() - $3::interval)`,
        [paymentId, key, age],
      );
    }

    // the retention job, run by a worker of the maintenance queue
    const jobs = ctx.app.get(ScheduledJobs);
    const job = await jobs.queue.add('retention', {});
    const result = await job.finished();
    expect(result).toMatchObject({ outbox: 6, inbox: 2, idempotencyKeys: 1, clawbackRequests: 2 });
    expect((await ctx.db.query(`SELECT seq FROM outbox_events WHERE user_id = $1`, [other])).map((r: { seq: string }) => Number(r.seq))).toEqual([2]);
    const keptClawbacks = await ctx.db.query(`SELECT request_key AS k FROM clawback_requests WHERE payment_id = $1 ORDER BY request_key`, [paymentId]);
    expect(keptClawbacks.map((r: { k: string }) => r.k)).toEqual(['kept-25h', 'kept-71h', 'kept-now']);

    const left = (await ctx.db.query(`SELECT id FROM webhook_events WHERE type = 'test.retention'`)).map((r: { id: string }) => r.id).sort();
    expect(left).toEqual([rows[2][0], rows[3][0], rows[4][0]].sort());
    expect((await ctx.db.query(`SELECT key FROM idempotency_keys WHERE user_id = $1`, [user.id])).map((r: { key: string }) => r.key)).toEqual(['fresh']);
    const seqs = (await ctx.db.query(`SELECT seq FROM outbox_events WHERE user_id = $1 ORDER BY seq`, [user.id])).map((r: { seq: string }) => Number(r.seq));
    expect(seqs).toEqual([6, 7, 8, 9, 10, 11, 12]);

    // a client that last saw seq 7 gets 8..12; one that saw nothing gets what is kept, in order
    const client = await connectClient(ctx.baseUrl, user.token);
    try {
      expect(await client.socket.timeout(5000).emitWithAck('sync', { since: 7 })).toBe(5);
      await eventually(() => client.seqs().length === 5, 5000, 'replayed rows');
      expect(client.seqs()).toEqual([8, 9, 10, 11, 12]);
      expect(await client.socket.timeout(5000).emitWithAck('sync', { since: 0 })).toBe(7);
      // new events keep their numbering after the deletion
      await appendCommitted(ctx, [{ userId: user.id, payload: { n: 'after' } }]);
      await eventually(() => client.seqs().includes(13), 5000, 'live event 13');
    } finally {
      client.close();
    }
  });
});
