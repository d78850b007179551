import { DataSource } from 'typeorm';
import { createDataSource } from '../../src/database/data-source';
import { CollaborationWorkflow1796000000000 } from '../../src/database/migrations/1796000000000-collaboration-workflow';
import { Refunds1796100000000 } from '../../src/database/migrations/1796100000000-refunds';
import { RetainerSyncOutsideLocks1796100000001 } from '../../src/database/migrations/1796100000001-retainer-sync-outside-locks';
import { ClawbackRequests1796200000000 } from '../../src/database/migrations/1796200000000-clawback-requests';
import { createTestDatabase } from '../support/database';

/** The workflow migration on data written before it: one implicit milestone per one-time collaboration, fee rate kept. */
describe('migration: collaboration workflow on existing data', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let ds: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase('wf-migration');
    ds = createDataSource(db.url);
    await ds.initialize();
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('down, legacy rows, up: milestones, statuses and fee rates as the payments imply', async () => {
    const migration = new CollaborationWorkflow1796000000000();
    const qr = ds.createQueryRunner();
    // the migrations after it first, in reverse order
    await new ClawbackRequests1796200000000().down(qr);
    await new RetainerSyncOutsideLocks1796100000001().down(qr);
    await new Refunds1796100000000().down(qr);
    await migration.down(qr);
    const [co] = await qr.query(`INSERT INTO users (email, password_hash, name, role) VALUES ('c@x', 'h', 'C', 'company') RETURNING id`);
    const [inf] = await qr.query(`INSERT INTO users (email, password_hash, name, role) VALUES ('i@x', 'h', 'I', 'influencer') RETURNING id`);
    const collab = async (title: string, billing = 'one_time') =>
      (
        await qr.query(
          `INSERT INTO collaborations (company_id, influencer_id, title, amount, currency, status, billing) VALUES ($1, $2, $3, 10000, 'usd', 'ACTIVE', $4) RETURNING id`,
          [co.id, inf.id, title, billing],
        )
      )[0].id as string;
    const pay = (cid: string, status: string, fee: number) =>
      qr.query(
        `INSERT INTO payments (collaboration_id, company_id, influencer_id, amount, currency, platform_fee, influencer_amount, status, released_at)
         VALUES ($1, $2, $3, 10000, 'usd', $5::bigint, 10000 - $5::bigint, $4::text, CASE WHEN $4::text = 'RELEASED' THEN now() END)`,
        [cid, co.id, inf.id, status, fee],
      );
    const released = await collab('released');
    await pay(released, 'RELEASED', 1500);
    const held = await collab('held');
    await pay(held, 'HELD', 1000);
    const refunded = await collab('refunded');
    await pay(refunded, 'REFUNDED', 1000);
    const proposed = await collab('proposed');
    const retainer = await collab('retainer', 'monthly');
    const withMilestones = await collab('with milestones');
    await qr.query(`INSERT INTO milestones (collaboration_id, position, title, amount) VALUES ($1, 1, 'a', 4000), ($1, 2, 'b', 6000)`, [withMilestones]);

    await migration.up(qr);
    const ms = async (cid: string) =>
      qr.query(`SELECT title, amount, status, released_at IS NOT NULL AS released FROM milestones WHERE collaboration_id = $1 ORDER BY position`, [cid]);
    expect(await ms(released)).toEqual([{ title: 'released', amount: 10000, status: 'RELEASED', released: true }]);
    expect(await ms(held)).toEqual([{ title: 'held', amount: 10000, status: 'PENDING', released: false }]);
    expect(await ms(refunded)).toEqual([{ title: 'refunded', amount: 10000, status: 'REFUNDED', released: false }]);
    expect(await ms(proposed)).toEqual([{ title: 'proposed', amount: 10000, status: 'PENDING', released: false }]);
    expect(await ms(retainer)).toEqual([]);
    expect((await ms(withMilestones)).map((m: { title: string }) => m.title)).toEqual(['a', 'b']);
    const fees = await qr.query(`SELECT title, platform_fee_bps AS bps, review_period_days AS days FROM collaborations ORDER BY title`);
    expect(Object.fromEntries(fees.map((f: { title: string; bps: number }) => [f.title, f.bps]))).toMatchObject({ released: 1500, held: 1000, proposed: 1000 });
    expect(fees.every((f: { days: number }) => f.days === 7)).toBe(true);
    await qr.release();
  });
});
