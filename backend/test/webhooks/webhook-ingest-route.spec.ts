import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import http from 'node:http';
import { gzipSync } from 'node:zlib';
import { QUEUES } from '../../src/common/queue/queue.module';
import { WEBHOOK_BODY_LIMIT } from '../../src/modules/webhooks/webhook-raw-route';
import { createTestContext, eventually, TestContext } from '../support/test-app';
import { deliver, makeEvent, sign } from './support/events';

/** A POST on node:http, to send what fetch will not: the same header twice, a body without Content-Length. */
function rawPost(baseUrl: string, headers: Record<string, string | string[]>, body: Buffer | string, chunked = false) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: any }>((resolve, reject) => {
    const req = http.request(`${baseUrl}/api/payments/webhook`, { method: 'POST' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          /* not JSON */
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed });
      });
    });
    for (const [k, v] of Object.entries(headers)) req.setHeader(k, v);
    if (!chunked) req.setHeader('content-length', Buffer.byteLength(body));
    req.on('error', reject);
    if (chunked) {
      // several writes without Content-Length: Transfer-Encoding chunked, the size known only while reading
      const b = Buffer.from(body);
      for (let i = 0; i < b.length; i += 64 * 1024) req.write(b.subarray(i, i + 64 * 1024));
      req.end();
    } else req.end(body);
  });
}

/**
 * The lean ingest route (webhook-raw-route.ts), answered ahead of the Nest pipeline: every rule it enforces, fed
 * the bad case (the signature rules shared with the Nest route are in webhook-pipeline.spec.ts).
 */
describe('webhook ingest route (ahead of the Nest pipeline)', () => {
  let ctx: TestContext;
  let queue: Queue;
  const count = async (id: string): Promise<number> => (await ctx.db.query(`SELECT count(*)::int AS n FROM webhook_events WHERE id = $1`, [id]))[0].n;
  const json = { 'content-type': 'application/json' };

  beforeAll(async () => {
    // no worker: the jobs stay in the queue where the test can see them
    ctx = await createTestContext({ label: 'ingest-route', env: { RUN_WORKER: 'false', WEBHOOK_SWEEP_INTERVAL_MS: '0', WEBHOOK_RECONCILE_INTERVAL_MS: '0' } });
    queue = ctx.app.get<Queue>(getQueueToken(QUEUES.webhooks));
  });
  afterAll(() => ctx?.close());

  it('answers the ordinary delivery itself (no Nest middleware ran), stores it, then enqueues it; a redelivery is 200 duplicate:true', async () => {
    const ev = makeEvent('test.effect', { id: 'obj_lean' });
    const first = await deliver(ctx, ev);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ received: true, eventType: 'test.effect', duplicate: false });
    // helmet (the Nest pipeline) sets these on every other route; the lean route answers before it
    expect(first.headers.get('x-frame-options')).toBeNull();
    expect((await ctx.http.request('GET', '/api/health')).headers.get('x-frame-options')).not.toBeNull();
    expect(await count(ev.id)).toBe(1);
    await eventually(() => queue.getJob(ev.id), 5000, 'its job enqueued (right after the answer)');
    const again = await Promise.all([deliver(ctx, ev), deliver(ctx, ev)]);
    expect(again.map((r) => [r.status, r.body.duplicate])).toEqual([
      [200, true],
      [200, true],
    ]);
    expect(await count(ev.id)).toBe(1);
  });

  it('stores one event of several identical deliveries in the same turn (one batch), and says stored to exactly one', async () => {
    const ev = makeEvent('test.effect', { id: 'obj_same_turn' });
    const answers = await Promise.all(Array.from({ length: 8 }, () => deliver(ctx, ev)));
    expect(answers.map((r) => r.status)).toEqual(Array(8).fill(200));
    expect(answers.filter((r) => r.body.duplicate === false)).toHaveLength(1);
    expect(await count(ev.id)).toBe(1);
  });

  it('refuses two Stripe-Signature headers with 400 WEBHOOK_SIGNATURE_INVALID, even if one is valid', async () => {
    const ev = makeEvent('test.effect', { id: 'obj_two_headers' });
    const good = sign(ev.payload, ctx.config.stripe.webhookSecret);
    const r = await rawPost(ctx.baseUrl, { ...json, 'stripe-signature': [good, good] }, ev.payload);
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ statusCode: 400, code: 'WEBHOOK_SIGNATURE_INVALID' });
    expect(await count(ev.id)).toBe(0);
  });

  it.each([
    ['not JSON', 'this is {not json'],
    ['a JSON string, not an object', '"evt_1"'],
    ['JSON null', 'null'],
  ])('refuses a body that is %s with 400 INVALID_JSON (as the body parser did), signed or not', async (_name, payload) => {
    for (const signature of [sign(payload, ctx.config.stripe.webhookSecret), 't=1,v1=00']) {
      const r = await deliver(ctx, { payload }, { signature });
      expect(r.status).toBe(400);
      expect(r.body).toMatchObject({ statusCode: 400, code: 'INVALID_JSON', message: 'Request body is not valid JSON' });
    }
  });

  it('refuses a signed empty body and a signed JSON array with 400 WEBHOOK_PAYLOAD_INVALID', async () => {
    for (const payload of ['', '[{"id":"evt_in_array","type":"test.effect"}]']) {
      const r = await deliver(ctx, { payload });
      expect(r.status).toBe(400);
      expect(r.body.code).toBe('WEBHOOK_PAYLOAD_INVALID');
    }
  });

  it('refuses a signature whose t= is not a number, or with only v1= and no t=', async () => {
    const ev = makeEvent('test.effect', { id: 'obj_bad_t' });
    const good = sign(ev.payload, ctx.config.stripe.webhookSecret);
    const v1 = good.split(',').find((p) => p.startsWith('v1='))!;
    for (const signature of [`t=soon,${v1}`, v1, `t=,${v1}`]) {
      const r = await deliver(ctx, ev, { signature });
      expect({ signature, status: r.status, code: r.body.code }).toEqual({ signature, status: 400, code: 'WEBHOOK_SIGNATURE_INVALID' });
    }
    expect(await count(ev.id)).toBe(0);
  });

  it('refuses a body over the limit with 413 PAYLOAD_TOO_LARGE, with and without Content-Length, and stores nothing', async () => {
    const ev = makeEvent('test.effect', { id: 'obj_big', padding: 'x'.repeat(WEBHOOK_BODY_LIMIT) });
    const signature = sign(ev.payload, ctx.config.stripe.webhookSecret);
    for (const chunked of [false, true]) {
      const r = await rawPost(ctx.baseUrl, { ...json, 'stripe-signature': signature }, ev.payload, chunked);
      expect({ chunked, status: r.status, code: r.body.code }).toEqual({ chunked, status: 413, code: 'PAYLOAD_TOO_LARGE' });
    }
    expect(await count(ev.id)).toBe(0);
    // just under the limit is fine
    const fits = makeEvent('test.effect', { id: 'obj_fits', padding: 'x'.repeat(WEBHOOK_BODY_LIMIT - 1000) });
    expect((await deliver(ctx, fits)).status).toBe(200);
  });

  it('refuses an unstorable \\u0000 escape in a key or a value with 400 INVALID_CHARACTERS; other escapes are stored', async () => {
    for (const object of [
      { id: 'obj_nul_key', ['k\u0000']: 1 },
      { id: 'obj_nul_deep', nested: [{ v: 'x\u0000' }] },
    ]) {
      const ev = makeEvent('test.effect', object);
      const r = await deliver(ctx, ev);
      expect(r.status).toBe(400);
      expect(r.body.code).toBe('INVALID_CHARACTERS');
      expect(await count(ev.id)).toBe(0);
    }
    const ok = makeEvent('test.effect', { id: 'obj_escapes', description: 'caf\u00e9 \u2603 \ud83d\ude00 \u0001' });
    expect((await deliver(ctx, ok)).status).toBe(200);
    expect((await ctx.db.query(`SELECT payload->'data'->'object'->>'description' AS d FROM webhook_events WHERE id = $1`, [ok.id]))[0].d).toBe(
      'caf\u00e9 \u2603 \ud83d\ude00 \u0001',
    );
  });

  it('leaves other shapes to the Nest route, which answers them as before', async () => {
    const ev = makeEvent('test.effect', { id: 'obj_other_shapes' });
    const signature = sign(ev.payload, ctx.config.stripe.webhookSecret);
    // not application/json: the raw body is not captured → WEBHOOK_PAYLOAD_INVALID
    const text = await rawPost(ctx.baseUrl, { 'content-type': 'text/plain', 'stripe-signature': signature }, ev.payload);
    expect([text.status, text.body.code]).toEqual([400, 'WEBHOOK_PAYLOAD_INVALID']);
    // a charset the JSON parser does not take
    const latin1 = await rawPost(ctx.baseUrl, { 'content-type': 'application/json; charset=latin1', 'stripe-signature': signature }, ev.payload);
    expect([latin1.status, latin1.body.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    expect(await count(ev.id)).toBe(0);
    // gzip: inflated by the body parser, then verified on what was signed (the inflated JSON) and stored
    const gz = await rawPost(ctx.baseUrl, { ...json, 'content-encoding': 'gzip', 'stripe-signature': signature }, gzipSync(ev.payload));
    expect([gz.status, gz.body.duplicate]).toEqual([200, false]);
    expect(gz.headers['x-frame-options']).toBeDefined(); // the Nest pipeline answered
    expect(await count(ev.id)).toBe(1);
  });
});
