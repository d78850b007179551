import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { pgErrorCode } from '../../src/common/database/transaction';
import { createDataSource } from '../../src/database/data-source';
import { WebhookEventRepository } from '../../src/modules/webhooks/webhook-event.repository';
import { createTestDatabase } from '../support/database';

const SUCCEEDED = 'payment_intent.succeeded';
const CLAIM_MS = 60_000;

/**
 * `WebhookEventRepository.claimBatch` on its own (real PostgreSQL): which waiting events a batch claims — the
 * job's own event, then the flush job's ids (`prefer`), then the oldest other waiting events of the type — and
 * which it must never take: another type, one already tried, done, claimed by a live claim, or handed back to
 * the per-event path ('-infinity').
 */
describe('claimBatch', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let ds: DataSource;
  let repo: WebhookEventRepository;
  let n = 0;

  beforeAll(async () => {
    db = await createTestDatabase('whclaim');
    ds = await createDataSource(db.url).initialize();
    repo = new WebhookEventRepository(ds);
  }, 60_000);
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  /** Stores events received one millisecond apart, in the given order (oldest first); returns their ids. */
  async function store(count: number, type = SUCCEEDED): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const id = `evt_claim_${++n}`;
      ids.push(id);
      await ds.query(
        `INSERT INTO webhook_events (id, type, account, livemode, payload, source, stripe_created_at, received_at)
         VALUES ($1, $2, NULL, false, $3::jsonb, 'webhook', now(), clock_timestamp() + make_interval(secs => $4::double precision / 1000))`,
        [id, type, JSON.stringify({ id, type, data: { object: {} } }), n],
      );
    }
    return ids;
  }

  beforeEach(async () => {
    await ds.query(`DELETE FROM webhook_events`);
  });

  it('takes the own event, then the preferred ids (even newer ones), then the oldest waiting, up to the limit', async () => {
    const old = await store(6);
    const newer = await store(4);
    const own = newer[3];
    const claimed = await repo.claimBatch(own, SUCCEEDED, 5, CLAIM_MS, [newer[1], newer[2], own]);
    expect(claimed.map((r) => r.id)).toEqual([own, old[0], old[1], newer[1], newer[2]]); // own first, then by received_at
    expect(claimed.every((r) => r.payload.id === r.id && r.status === 'RECEIVED')).toBe(true);
    const live: { id: string }[] = await ds.query(`SELECT id FROM webhook_events WHERE claimed_until > clock_timestamp() ORDER BY id`);
    expect(live.map((r) => r.id).sort()).toEqual(claimed.map((r) => r.id).sort());
  });

  it('never claims another type, a tried, done, live-claimed or handed-back event, preferred or not', async () => {
    const [own, tried, done, held, handedBack, fine] = await store(6);
    const [other] = await store(1, 'payment_intent.payment_failed');
    await ds.query(`UPDATE webhook_events SET attempts = 1 WHERE id = $1`, [tried]);
    await ds.query(`UPDATE webhook_events SET status = 'PROCESSED', attempts = 1 WHERE id = $1`, [done]);
    await ds.query(`UPDATE webhook_events SET claimed_until = clock_timestamp() + interval '1 minute' WHERE id = $1`, [held]);
    await ds.query(`UPDATE webhook_events SET claimed_until = '-infinity' WHERE id = $1`, [handedBack]);
    const all = [own, tried, done, held, handedBack, fine, other];
    const claimed = await repo.claimBatch(own, SUCCEEDED, 100, CLAIM_MS, all);
    expect(claimed.map((r) => r.id)).toEqual([own, fine]);
    // same without preferring them
    await ds.query(`UPDATE webhook_events SET claimed_until = NULL WHERE id = ANY($1)`, [[own, fine]]);
    expect((await repo.claimBatch(own, SUCCEEDED, 100, CLAIM_MS)).map((r) => r.id)).toEqual([own, fine]);
  });

  it('claimOldest: the oldest free events of the type, up to the limit; never another type, a tried, done, live-claimed or handed-back one', async () => {
    const [tried, done, held, handedBack, first, second, third] = await store(7);
    const [other] = await store(1, 'payment_intent.payment_failed');
    await ds.query(`UPDATE webhook_events SET attempts = 1 WHERE id = $1`, [tried]);
    await ds.query(`UPDATE webhook_events SET status = 'PROCESSED', attempts = 1 WHERE id = $1`, [done]);
    await ds.query(`UPDATE webhook_events SET claimed_until = clock_timestamp() + interval '1 minute' WHERE id = $1`, [held]);
    await ds.query(`UPDATE webhook_events SET claimed_until = '-infinity' WHERE id = $1`, [handedBack]);
    expect((await repo.claimOldest(SUCCEEDED, 2, CLAIM_MS)).map((r) => r.id)).toEqual([first, second]);
    expect((await repo.claimOldest(SUCCEEDED, 10, CLAIM_MS)).map((r) => r.id)).toEqual([third]); // the first two are claimed now
    expect(await repo.claimOldest(SUCCEEDED, 10, CLAIM_MS)).toEqual([]);
    expect((await repo.claimOldest('payment_intent.payment_failed', 10, CLAIM_MS)).map((r) => r.id)).toEqual([other]);
  });

  it('claims nothing when the own event is not claimable, and a dead claim expires', async () => {
    const [own, other] = await store(2);
    expect((await repo.claimBatch(own, SUCCEEDED, 10, CLAIM_MS)).map((r) => r.id)).toEqual([own, other]);
    expect(await repo.claimBatch(own, SUCCEEDED, 10, CLAIM_MS, [other])).toEqual([]); // live claim: another worker has it
    expect(await repo.claimedByOther(own)).toBe(true);
    await ds.query(`UPDATE webhook_events SET claimed_until = clock_timestamp() - interval '1 second'`); // the claimer died
    expect((await repo.claimBatch(own, SUCCEEDED, 10, CLAIM_MS, [other])).map((r) => r.id)).toEqual([own, other]);
  });

  it('two claims at once take disjoint batches', async () => {
    const ids = await store(40);
    const [a, b] = await Promise.all([
      repo.claimBatch(ids[0], SUCCEEDED, 25, CLAIM_MS, ids.slice(0, 20)),
      repo.claimBatch(ids[20], SUCCEEDED, 25, CLAIM_MS, ids.slice(20)),
    ]);
    const seen = [...a, ...b].map((r) => r.id);
    expect(new Set(seen).size).toBe(seen.length);
    expect(a[0]?.id ?? ids[0]).toBe(ids[0]);
    expect(seen.length).toBeGreaterThanOrEqual(25);
    expect(seen.length).toBeLessThanOrEqual(40);
  });

  it('lockWaiting: the oldest untried waiting events of the wanted types only, up to the limit, skipping the own event and rows another transaction holds', async () => {
    const [a1, a2, a3] = await store(3, 'account.updated');
    const succeeded = await store(30); // many waiting of a type not wanted, received in between
    const [p1, p2] = await store(2, 'payout.paid');
    await store(1, 'charge.refunded'); // not wanted either
    const [p3] = await store(1, 'payout.paid');
    await ds.query(`UPDATE webhook_events SET attempts = 1 WHERE id = $1`, [p2]); // tried: its own job has it
    await ds.query(`UPDATE webhook_events SET status = 'PROCESSED', attempts = 1 WHERE id = $1`, [a3]);
    const types = ['account.updated', 'payout.paid'];
    const lock = (exclude: string, limit: number) => ds.transaction(async (em) => (await repo.lockWaiting(em, exclude, limit, types)).map((r) => r.id));
    expect(await lock(a1, 10)).toEqual([a2, p1, p3]);
    expect(await lock(succeeded[0], 2)).toEqual([a1, a2]);
    expect(await ds.transaction((em) => repo.lockWaiting(em, a1, 10, []))).toEqual([]);
    // a row another transaction holds is skipped, not waited for
    const q = ds.createQueryRunner();
    await q.connect();
    await q.startTransaction();
    try {
      await q.query(`SELECT 1 FROM webhook_events WHERE id = $1 FOR UPDATE`, [a2]);
      expect(await lock(a1, 10)).toEqual([p1, p3]);
    } finally {
      await q.rollbackTransaction();
      await q.release();
    }
  });

  it('lockForProcessing: never takes an event under a live claim (its batch applies it); an expired or handed-back claim is none', async () => {
    const [live, expired, handedBack, free] = await store(4);
    await ds.query(`UPDATE webhook_events SET claimed_until = clock_timestamp() + interval '1 minute' WHERE id = $1`, [live]);
    await ds.query(`UPDATE webhook_events SET claimed_until = clock_timestamp() - interval '1 second' WHERE id = $1`, [expired]);
    await ds.query(`UPDATE webhook_events SET claimed_until = '-infinity' WHERE id = $1`, [handedBack]);
    const take = (id: string) => ds.transaction(async (em) => (await repo.lockForProcessing(em, id))?.id ?? null);
    expect(await take(live)).toBeNull();
    expect(await take(expired)).toBe(expired);
    expect(await take(handedBack)).toBe(handedBack);
    expect(await take(free)).toBe(free);
  });
  it('lockClaimed: a claimed row another transaction holds for a moment is waited for, not left out; one held too long fails the transaction', async () => {
    const ids = await store(3);
    const claimed = (await repo.claimBatch(ids[0], SUCCEEDED, 10, CLAIM_MS)).map((r) => r.id);
    expect(claimed.sort()).toEqual([...ids].sort());
    // another session holds one of them, as a concurrent claim that re-checked the row and left it out does
    const other = ds.createQueryRunner();
    await other.connect();
    try {
      await other.startTransaction();
      await other.query(`SELECT id FROM webhook_events WHERE id = $1 FOR UPDATE`, [ids[1]]);
      // set when the holder lets go (its commit's answer can reach the test after lockClaimed's does)
      let released = false;
      let committed: Promise<void> = Promise.resolve();
      setTimeout(() => {
        released = true;
        committed = other.commitTransaction();
      }, 300);
      const { locked, timeout } = await ds.transaction(async (em) => ({
        locked: await repo.lockClaimed(em, claimed),
        timeout: (await em.query(`SHOW lock_timeout`))[0].lock_timeout as string,
      }));
      expect(released).toBe(true); // it waited for the holder...
      expect(locked.sort()).toEqual([...ids].sort()); // ...and took the row (skipping it sent the whole batch per event)
      expect(timeout).toBe('0'); // the bounded wait does not outlive the statement
      // held past the bound: the batch's transaction fails (its events are then applied one by one)
      await committed;
      await other.startTransaction();
      await other.query(`SELECT id FROM webhook_events WHERE id = $1 FOR UPDATE`, [ids[2]]);
      const failed = await ds.transaction((em) => repo.lockClaimed(em, claimed)).catch((e: unknown) => e);
      expect(pgErrorCode(failed)).toBe('55P03');
      await other.rollbackTransaction();
    } finally {
      await other.release();
    }
  }, 20_000);
});
