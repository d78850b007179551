import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import { QUEUES } from '../../src/common/queue/queue.module';
import { WebhookHandlerRegistry, WebhookRetryLaterError } from '../../src/modules/webhooks/webhook-handler.registry';
import { WebhookProcessor } from '../../src/modules/webhooks/webhook.processor';
import { createTestContext, eventually, TestContext, TestUser } from '../support/test-app';
import { deliver, makeEvent, sign } from './support/events';
import { registerTestHandlers, TEST_SCHEMA } from './support/test-handlers';

/** The webhook endpoint, inbox, processor, admin routes and dashboard against real Postgres, Redis and the emulator. */
describe('Stripe webhook pipeline', () => {
  let ctx: TestContext;
  let admin: TestUser;
  const row = async (id: string) => (await ctx.db.query(`SELECT * FROM webhook_events WHERE id = $1`, [id]))[0];
  const effects = async (id: string): Promise<number> => (await ctx.db.query(`SELECT count(*)::int AS n FROM test_effects WHERE event_id = $1`, [id]))[0].n;
  const processed = (id: string) =>
    eventually(async () => ['PROCESSED', 'IGNORED'].includes((await row(id))?.status) && row(id), 10_000, `event ${id} processed`);

  beforeAll(async () => {
    ctx = await createTestContext({
      label: 'webhooks',
      env: { WEBHOOK_MAX_ATTEMPTS: '3', WEBHOOK_BACKOFF_MS: '50', WEBHOOK_SWEEP_INTERVAL_MS: '0', WEBHOOK_RECONCILE_INTERVAL_MS: '0' },
    });
    await ctx.db.query(TEST_SCHEMA);
    registerTestHandlers(ctx.app.get(WebhookHandlerRegistry));
    admin = await ctx.user('admin');
  });
  afterAll(() => ctx?.close());

  describe('signature verification', () => {
    it('stores a valid platform event and a valid Connect event, answering 200 {received, eventType}', async () => {
      const platform = makeEvent('test.effect', { id: 'obj_1' });
      const r1 = await deliver(ctx, platform);
      expect(r1.status).toBe(200);
      expect(r1.body).toMatchObject({ received: true, eventType: 'test.effect' });
      const connect = makeEvent('test.effect', { id: 'obj_2' }, { account: 'acct_1TestConnected' });
      const r2 = await deliver(ctx, connect, { secret: ctx.config.stripe.connectWebhookSecret });
      expect(r2.status).toBe(200);
      expect(await row(platform.id)).toMatchObject({ type: 'test.effect', account: null, source: 'webhook' });
      expect(await row(connect.id)).toMatchObject({ type: 'test.effect', account: 'acct_1TestConnected' });
      await processed(platform.id);
      await processed(connect.id);
      expect(await effects(platform.id)).toBe(1);
      expect(await effects(connect.id)).toBe(1);
    });

    it.each([
      ['missing', () => ({ signature: null }), 'WEBHOOK_SIGNATURE_MISSING'],
      ['malformed', () => ({ signature: 'not-a-signature' }), 'WEBHOOK_SIGNATURE_INVALID'],
      ['signed with another secret', () => ({ secret: 'whsec_someone_else' }), 'WEBHOOK_SIGNATURE_INVALID'],
      ['too old (replayed after 301 s)', () => ({ timestamp: Math.floor(Date.now() / 1000) - 301 }), 'WEBHOOK_SIGNATURE_INVALID'],
      ['v0-only (no v1 scheme)', () => ({ signature: `t=${Math.floor(Date.now() / 1000)},v0=abc` }), 'WEBHOOK_SIGNATURE_INVALID'],
    ])('refuses a %s signature with 400 and stores nothing', async (_name, opts, code) => {
      const ev = makeEvent('test.effect', { id: 'obj_bad' });
      const r = await deliver(ctx, ev, opts());
      expect(r.status).toBe(400);
      expect(r.body).toMatchObject({ statusCode: 400, code });
      expect(await row(ev.id)).toBeUndefined();
    });

    it.each([
      ['timestamped 1 h in the future', { timestamp: () => Math.floor(Date.now() / 1000) + 3600 }, 'WEBHOOK_SIGNATURE_INVALID'],
      ['timestamped 10 years in the future', { timestamp: () => Math.floor(Date.now() / 1000) + 10 * 365 * 86400 }, 'WEBHOOK_SIGNATURE_INVALID'],
      ['platform-signed but naming a connected account', { account: 'acct_1TestConnected', secret: 'platform' }, 'WEBHOOK_SECRET_MISMATCH'],
      ['Connect-signed but without account', { secret: 'connect' }, 'WEBHOOK_SECRET_MISMATCH'],
      ['signed, with a NUL in a string', { object: { id: 'obj_nul', description: 'a\u0000b' } }, 'INVALID_CHARACTERS'],
      ['signed, with a lone surrogate in a string', { object: { id: 'obj_sur', description: 'a\ud800b' } }, 'INVALID_CHARACTERS'],
    ] as const)('refuses an event %s with 400 and stores nothing', async (_name, c: Record<string, any>, code) => {
      const ev = makeEvent('test.effect', c.object ?? { id: 'obj_bad' }, c.account ? { account: c.account } : {});
      const secret = c.secret === 'connect' ? ctx.config.stripe.connectWebhookSecret : ctx.config.stripe.webhookSecret;
      const r = await deliver(ctx, ev, { secret, timestamp: c.timestamp?.() });
      expect(r.status).toBe(400);
      expect(r.body).toMatchObject({ statusCode: 400, code });
      expect(await row(ev.id)).toBeUndefined();
    });

    it('accepts a timestamp a little ahead (clock skew within the tolerance)', async () => {
      const ev = makeEvent('test.effect', { id: 'obj_skew' });
      const r = await deliver(ctx, ev, { timestamp: Math.floor(Date.now() / 1000) + 240 });
      expect(r.status).toBe(200);
      await processed(ev.id);
    });

    it('refuses a tampered or re-serialised body carrying the original signature', async () => {
      const ev = makeEvent('test.effect', { id: 'obj_amount', amount: 100 });
      const signature = sign(ev.payload, ctx.config.stripe.webhookSecret);
      const tampered = { payload: ev.payload.replace('"amount":100', '"amount":999') };
      const r = await deliver(ctx, tampered, { signature });
      expect(r.status).toBe(400);
      expect(r.body.code).toBe('WEBHOOK_SIGNATURE_INVALID');
      expect(await row(ev.id)).toBeUndefined();
      // whitespace changes break the signature too (the raw body is verified, not a re-serialisation)
      const reformatted = await deliver(ctx, { payload: JSON.stringify(JSON.parse(ev.payload), null, 2) }, { signature });
      expect(reformatted.status).toBe(400);
      expect((await ctx.db.query(`SELECT count(*)::int AS n FROM webhook_events WHERE id = $1`, [ev.id]))[0].n).toBe(0);
    });

    it('refuses a correctly signed body that is not a Stripe event', async () => {
      const r = await deliver(ctx, { payload: '{"hello":"world"}' });
      expect(r.status).toBe(400);
      expect(r.body.code).toBe('WEBHOOK_PAYLOAD_INVALID');
    });
  });

  describe('exactly-once effect', () => {
    it('applies the same event delivered 10 times concurrently once, acknowledging every delivery', async () => {
      const ev = makeEvent('test.effect', { id: 'obj_concurrent' });
      const answers = await Promise.all(Array.from({ length: 10 }, () => deliver(ctx, ev)));
      expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
      expect(answers.filter((a) => a.body.duplicate === false)).toHaveLength(1);
      const r = await processed(ev.id);
      expect(r.status).toBe('PROCESSED');
      expect(r.attempts).toBe(1);
      // and later redeliveries too
      expect((await deliver(ctx, ev)).status).toBe(200);
      await new Promise((res) => setTimeout(res, 300));
      expect(await effects(ev.id)).toBe(1);
    });

    it('keeps one effect when the processor itself runs the same stored event 10 times at once', async () => {
      const ev = makeEvent('test.effect', { id: 'obj_direct' });
      // store it while no job can run it: straight into the inbox
      await ctx.db.query(`INSERT INTO webhook_events (id, type, payload, stripe_created_at) VALUES ($1, 'test.effect', $2::jsonb, now())`, [ev.id, ev.payload]);
      const processor = ctx.app.get(WebhookProcessor);
      const outcomes = await Promise.all(Array.from({ length: 10 }, () => processor.processEvent(ev.id)));
      expect(outcomes.filter((o) => o === 'processed')).toHaveLength(1);
      expect(outcomes.every((o) => ['processed', 'busy', 'already-done'].includes(o))).toBe(true);
      expect(await effects(ev.id)).toBe(1);
      expect(await processor.processEvent(ev.id)).toBe('already-done');
      expect(await processor.processEvent('evt_unknown')).toBe('missing');
    });

    it('stores unknown event types and marks them IGNORED (also when every handler says ignored)', async () => {
      const unknown = makeEvent('something.new_from_stripe', { id: 'x' });
      const irrelevant = makeEvent('test.irrelevant', { id: 'y' });
      expect((await deliver(ctx, unknown)).status).toBe(200);
      expect((await deliver(ctx, irrelevant)).status).toBe(200);
      expect((await processed(unknown.id)).status).toBe('IGNORED');
      expect((await processed(irrelevant.id)).status).toBe('IGNORED');
    });
  });

  describe('failures, admin list and replay', () => {
    it('retries with backoff, marks the event FAILED after the last attempt, lists it, and replays it once fixed', async () => {
      await ctx.db.query(`INSERT INTO test_flags (name, value) VALUES ('fail', 'true') ON CONFLICT (name) DO UPDATE SET value = 'true'`);
      const ev = makeEvent('test.flaky', { id: 'obj_flaky' });
      expect((await deliver(ctx, ev)).status).toBe(200);
      const failed = await eventually(async () => (await row(ev.id))?.status === 'FAILED' && row(ev.id), 10_000, 'FAILED');
      expect(failed.attempts).toBe(3);
      expect(failed.last_error).toMatch(/flaky handler refused/);
      expect(await effects(ev.id)).toBe(0);

      const list = await ctx.http.get('/api/admin/webhook-events?status=failed', { token: admin.token });
      expect(list.status).toBe(200);
      expect(list.body.nextCursor).toBeNull();
      expect(list.body.data).toEqual([
        expect.objectContaining({ id: ev.id, type: 'test.flaky', status: 'FAILED', attempts: 3, lastError: expect.stringMatching(/flaky/), source: 'webhook' }),
      ]);
      const one = await ctx.http.get(`/api/admin/webhook-events/${ev.id}`, { token: admin.token });
      expect(one.body.payload).toEqual(JSON.parse(ev.payload));

      await ctx.db.query(`UPDATE test_flags SET value = 'false' WHERE name = 'fail'`);
      const replay = await ctx.http.post(`/api/admin/webhook-events/${ev.id}/replay`, {}, { token: admin.token });
      expect(replay.status).toBe(202);
      expect(replay.body).toMatchObject({ id: ev.id, status: 'RECEIVED', enqueued: true });
      expect((await processed(ev.id)).status).toBe('PROCESSED');
      expect(await effects(ev.id)).toBe(1);

      const again = await ctx.http.post(`/api/admin/webhook-events/${ev.id}/replay`, {}, { token: admin.token });
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('WEBHOOK_EVENT_ALREADY_PROCESSED');
      const unknown = await ctx.http.post(`/api/admin/webhook-events/evt_nope/replay`, {}, { token: admin.token });
      expect(unknown.status).toBe(404);
      expect(unknown.body.code).toBe('WEBHOOK_EVENT_NOT_FOUND');
      expect((await ctx.http.get('/api/admin/webhook-events?status=failed', { token: admin.token })).body.data).toEqual([]);
    });

    it('retries an event that arrived before what it depends on (WebhookRetryLaterError) until it applies', async () => {
      const registry = ctx.app.get(WebhookHandlerRegistry);
      registry.register('test.parent', async (event, em) => {
        await em.query(`INSERT INTO test_flags (name, value) VALUES ($1, 'true')`, [`parent:${(event.data.object as { id: string }).id}`]);
      });
      registry.register('test.child', async (event, em) => {
        const parent = (event.data.object as unknown as { parent: string }).parent;
        const rows = await em.query(`SELECT 1 FROM test_flags WHERE name = $1`, [`parent:${parent}`]);
        if (!rows.length) throw new WebhookRetryLaterError(`parent ${parent} not applied yet`);
        await em.query('INSERT INTO test_effects (event_id) VALUES ($1)', [event.id]);
      });
      const child = makeEvent('test.child', { id: 'c1', parent: 'p1' });
      const parent = makeEvent('test.parent', { id: 'p1' });
      expect((await deliver(ctx, child)).status).toBe(200);
      await eventually(async () => (await row(child.id))?.attempts >= 1, 5000, 'child tried once');
      expect((await row(child.id)).status).toBe('RECEIVED');
      expect((await deliver(ctx, parent)).status).toBe(200);
      const done = await processed(child.id);
      expect(done.status).toBe('PROCESSED');
      expect(done.attempts).toBeGreaterThanOrEqual(2);
      expect(await effects(child.id)).toBe(1);
    });

    it('paginates newest first with a cursor and validates the query', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const ev = makeEvent('test.page', { id: `p${i}` });
        ids.push(ev.id);
        expect((await deliver(ctx, ev)).status).toBe(200);
      }
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { status: number; body: { data: { id: string }[]; nextCursor: string | null } } = await ctx.http.get(
          `/api/admin/webhook-events?type=test.page&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
          { token: admin.token },
        );
        expect(page.status).toBe(200);
        expect(page.body.data.length).toBeLessThanOrEqual(2);
        seen.push(...page.body.data.map((d) => d.id));
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(seen).toEqual(ids.reverse());
      for (const q of ['limit=0', 'limit=101', 'limit=abc', 'status=bogus', 'cursor=garbage']) {
        const r = await ctx.http.get(`/api/admin/webhook-events?${q}`, { token: admin.token });
        expect([q, r.status]).toEqual([q, 400]);
      }
      expect((await ctx.http.get('/api/admin/webhook-events?status=PROCESSED&limit=100', { token: admin.token })).status).toBe(200);
    });

    it('is for admins only', async () => {
      const company = await ctx.user('company');
      expect((await ctx.http.get('/api/admin/webhook-events')).status).toBe(401);
      expect((await ctx.http.get('/api/admin/webhook-events', { token: company.token })).status).toBe(403);
      expect((await ctx.http.post('/api/admin/webhook-events/evt_x/replay', {}, { token: company.token })).status).toBe(403);
      expect((await ctx.http.post('/api/admin/webhook-events/reconcile', {}, { token: company.token })).status).toBe(403);
    });
  });

  describe('sweeper and reconciliation', () => {
    it('re-enqueues a stored event that never reached the queue', async () => {
      const ev = makeEvent('test.effect', { id: 'obj_orphan' });
      await ctx.db.query(
        `INSERT INTO webhook_events (id, type, payload, stripe_created_at, received_at) VALUES ($1, 'test.effect', $2::jsonb, now(), now() - interval '1 minute')`,
        [ev.id, ev.payload],
      );
      const r = await ctx.http.post('/api/admin/webhook-events/sweep', { olderThanMs: 1000 }, { token: admin.token });
      expect(r.status).toBe(200);
      expect(r.body.enqueued).toBeGreaterThanOrEqual(1);
      expect((await processed(ev.id)).status).toBe('PROCESSED');
      expect(await effects(ev.id)).toBe(1);
      // a second sweep finds nothing to do
      expect((await ctx.http.post('/api/admin/webhook-events/sweep', { olderThanMs: 1000 }, { token: admin.token })).body.enqueued).toBe(0);
    });

    it('picks up platform and Connect events whose webhooks were never delivered', async () => {
      const delivered: string[] = [];
      ctx.app.get(WebhookHandlerRegistry).register('customer.created', async (event) => {
        delivered.push(event.id);
        return 'applied';
      });
      // the emulator's own events: first make sure delivery works, then pause it
      await ctx.stripe.customers.create({ email: 'live@example.com' });
      await ctx.emulator.flushWebhooks();
      await eventually(() => delivered.length === 1, 10_000, 'first customer.created delivered');

      ctx.emulator.setDeliveryPaused(true);
      const since = Math.floor(Date.now() / 1000) - 5;
      const missed = await ctx.stripe.customers.create({ email: 'missed@example.com' });
      const account = await ctx.stripe.accounts.create({ type: 'express', country: 'US', email: 'creator@example.com' });
      await ctx.stripe.customers.create({ email: 'connected@example.com' }, { stripeAccount: account.id });
      await ctx.emulator.flushWebhooks();
      const before = await ctx.db.query(`SELECT count(*)::int AS n FROM webhook_events WHERE type = 'customer.created'`);
      expect(before[0].n).toBe(1);

      const rec = await ctx.http.post('/api/admin/webhook-events/reconcile', { since }, { token: admin.token });
      expect(rec.status).toBe(200);
      expect(rec.body.errors).toEqual([]);
      expect(rec.body.inserted).toBeGreaterThanOrEqual(2);
      expect(rec.body.accounts).toBeGreaterThanOrEqual(1);
      const rows: { id: string; account: string | null; source: string; status: string }[] = await eventually(
        async () => {
          const r = await ctx.db.query(`SELECT id, account, source, status FROM webhook_events WHERE type = 'customer.created' ORDER BY received_at`);
          return r.length === 3 && r.every((x: { status: string }) => x.status === 'PROCESSED') && r;
        },
        10_000,
        'reconciled events processed',
      );
      expect(rows.slice(1).map((r) => r.source)).toEqual(['reconciliation', 'reconciliation']);
      expect(rows.map((r) => r.account)).toEqual(expect.arrayContaining([null, account.id]));
      const missedEvent = (await ctx.stripe.events.list({ type: 'customer.created', limit: 10 })).data.find(
        (e) => (e.data.object as { id: string }).id === missed.id,
      );
      expect(delivered).toContain(missedEvent!.id);
      expect(delivered).toHaveLength(3);

      // running it again stores nothing twice
      const again = await ctx.http.post('/api/admin/webhook-events/reconcile', { since }, { token: admin.token });
      expect(again.body.inserted).toBe(0);
      ctx.emulator.setDeliveryPaused(false);
    });
  });

  describe('processes and dashboard', () => {
    it('runs the processor in the API process by default', () => {
      expect(ctx.app.get(WebhookProcessor).isRunning).toBe(true);
    });

    it('serves the Bull dashboard at /admin/queues to admins only (Bearer, or ?token= moved into an HttpOnly cookie)', async () => {
      const company = await ctx.user('company');
      const get = (path: string, headers: Record<string, string> = {}) => fetch(ctx.baseUrl + path, { headers, redirect: 'manual' });
      expect((await get('/admin/queues')).status).toBe(401);
      expect((await get('/admin/queues?token=garbage')).status).toBe(401);
      expect((await get('/admin/queues', { authorization: `Bearer ${company.token}` })).status).toBe(403);
      expect((await get(`/admin/queues?token=${company.token}`)).status).toBe(403);

      const bearer = await get('/admin/queues', { authorization: `Bearer ${admin.token}` });
      expect(bearer.status).toBe(200);
      expect(await bearer.text()).toMatch(/<html/i);

      const viaQuery = await get(`/admin/queues?token=${admin.token}`);
      expect(viaQuery.status).toBe(302);
      expect(viaQuery.headers.get('location')).toBe('/admin/queues');
      const cookie = viaQuery.headers.get('set-cookie')!;
      expect(cookie).toMatch(/HttpOnly/);
      expect(cookie).toMatch(/Path=\/admin\/queues/);
      const withCookie = await get('/admin/queues', { cookie: cookie.split(';')[0] });
      expect(withCookie.status).toBe(200);
      const api = await get('/admin/queues/api/queues', { cookie: cookie.split(';')[0] });
      expect(api.status).toBe(200);
      const body = await api.json();
      expect(body.queues.map((q: { name: string }) => q.name)).toContain(QUEUES.webhooks);
    });

    it('enqueues one job per event id', async () => {
      const queue = ctx.app.get<Queue>(getQueueToken(QUEUES.webhooks), { strict: false });
      const ev = makeEvent('test.effect', { id: 'obj_job' });
      await deliver(ctx, ev);
      await processed(ev.id);
      const job = await queue.getJob(ev.id);
      expect(job?.opts.attempts).toBe(3);
      expect(job?.opts.backoff).toEqual({ type: 'exponential', delay: 50 });
    });
  });
});
