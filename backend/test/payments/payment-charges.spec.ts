import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { platformFee } from '../../src/common/money/currency';
import { createDataSource } from '../../src/database/data-source';
import { PaymentCharges1796600000000 } from '../../src/database/migrations/1796600000000-payment-charges';
import { CollaborationRepository } from '../../src/modules/collaborations/collaboration.repository';
import { PaymentRepository } from '../../src/modules/payments/payment.repository';
import { createTestDatabase } from '../support/database';

/**
 * A payment's charge is looked up through `payment_charges` (migration PaymentCharges), so that the update to HELD
 * changes no indexed column of `payments` and stays a HOT update. Real PostgreSQL; repository level.
 */
describe('payment charges: look-up by charge without an index on payments', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let ds: DataSource;
  let payments: PaymentRepository;
  let collaborations: CollaborationRepository;
  let company: string;
  let influencer: string;

  beforeAll(async () => {
    db = await createTestDatabase('paycharges');
    ds = await createDataSource(db.url).initialize();
    payments = new PaymentRepository(ds);
    collaborations = new CollaborationRepository(ds);
    const user = async (role: string) =>
      (
        await ds.query(`INSERT INTO users (email, password_hash, name, role) VALUES ($1, 'not-a-login', $2, $2) RETURNING id`, [
          `${role}-${randomBytes(4).toString('hex')}@charges.test`,
          role,
        ])
      )[0].id as string;
    company = await user('company');
    influencer = await user('influencer');
  }, 60_000);
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  /** PENDING card payments with intents, as a company's checkout leaves them. */
  async function pending(count: number): Promise<string[]> {
    return ds.transaction(async (em) => {
      const ids: string[] = [];
      for (let i = 0; i < count; i++) {
        const amount = 10_000 + i;
        const c = await collaborations.insert(
          em,
          {
            companyId: company,
            influencerId: influencer,
            title: `Charges ${i}`,
            description: null,
            amount,
            currency: 'usd',
            reviewPeriodDays: 7,
            platformFeeBps: 1000,
          },
          [],
        );
        const p = await payments.insert(em, {
          collaborationId: c.id,
          companyId: company,
          influencerId: influencer,
          amount,
          currency: 'usd',
          platformFee: platformFee(amount, 1000),
        });
        const intent = `pi_charges_${randomBytes(8).toString('hex')}`;
        await payments.attachIntent(em, p.id, intent, `${intent}_secret`);
        ids.push(p.id);
      }
      return ids;
    });
  }

  const hotUpdates = async (em: EntityManager) => Number((await em.query(`SELECT pg_stat_get_xact_tuples_hot_updated('payments'::regclass) AS n`))[0].n);
  const chargeOf = (id: string) => `ch_${id.replace(/-/g, '').slice(0, 20)}`;

  it('markHeldMany: every payment HELD by a HOT update, and each found by its charge', async () => {
    // a few, so that their page has room for the new versions (HOT needs that as well as no changed indexed column)
    const ids = await pending(4);
    const hot = await ds.transaction(async (em) => {
      const before = await hotUpdates(em);
      await payments.markHeldMany(
        em,
        ids.map((id) => ({ id, chargeId: chargeOf(id), fee: 320 })),
      );
      return (await hotUpdates(em)) - before;
    });
    expect(hot).toBe(ids.length); // an index on a changed column (e.g. the charge id) would make these normal updates
    for (const id of ids) {
      const p = await payments.findByCharge(chargeOf(id));
      expect(p).toMatchObject({ id, status: 'HELD', stripeChargeId: chargeOf(id) });
    }
    expect(await payments.findByCharge('ch_unknown')).toBeNull();
  });

  it('update with a charge id maps it too; a payment keeps every charge it had; a charge keeps its first payment', async () => {
    const [a, b] = await pending(2);
    await ds.transaction((em) => payments.update(em, a, { stripeChargeId: 'ch_first_attempt' }));
    await ds.transaction((em) => payments.update(em, a, { stripeChargeId: 'ch_second_attempt' }));
    expect((await payments.findByCharge('ch_first_attempt'))?.id).toBe(a);
    expect(await payments.findByCharge('ch_second_attempt')).toMatchObject({ id: a, stripeChargeId: 'ch_second_attempt' });
    // the same charge id on another payment (never happens on Stripe) does not move the mapping
    await ds.transaction((em) => payments.update(em, b, { stripeChargeId: 'ch_first_attempt' }));
    expect((await payments.findByCharge('ch_first_attempt'))?.id).toBe(a);
    // locked look-up (the webhook handlers' way)
    expect((await ds.transaction((em) => payments.findByCharge('ch_second_attempt', em, true)))?.id).toBe(a);
  });

  it('migration: down, a payment with a charge, up: the charge is mapped, the index is gone, pages keep room', async () => {
    const [p] = await pending(1);
    await ds.transaction((em) => payments.update(em, p, { stripeChargeId: 'ch_before_migration' }));
    const migration = new PaymentCharges1796600000000();
    const qr = ds.createQueryRunner();
    try {
      await migration.down(qr);
      expect(await qr.query(`SELECT 1 FROM pg_indexes WHERE indexname = 'payments_charge_idx'`)).toHaveLength(1);
      await migration.up(qr);
      expect(await qr.query(`SELECT payment_id FROM payment_charges WHERE stripe_charge_id = 'ch_before_migration'`)).toEqual([{ payment_id: p }]);
      expect(await qr.query(`SELECT 1 FROM pg_indexes WHERE tablename = 'payments' AND indexdef LIKE '%stripe_charge_id%'`)).toHaveLength(0);
      expect((await qr.query(`SELECT reloptions FROM pg_class WHERE relname = 'payments'`))[0].reloptions).toEqual(['fillfactor=70']);
    } finally {
      await qr.release();
    }
  });
});
