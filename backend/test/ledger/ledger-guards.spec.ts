import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { inTransaction } from '../../src/common/database/transaction';
import { Accounts } from '../../src/modules/ledger/domain/accounts';
import { LedgerService } from '../../src/modules/ledger/ledger.service';
import { payWith, proposeAndAccept } from '../support/flows';
import { createTestContext, TestContext, TestUser } from '../support/test-app';

const USD = 'usd';
const CHECKS = {
  sum: 'postings sum to zero per currency',
  entries: 'every journal entry balances per currency',
  negative: 'no wallet, escrow or in-transit account is negative',
  drift: 'account balances equal the sum of their postings',
  escrow: 'each payment’s escrow equals amount - released - refunded',
  totals: 'total escrow equals funds held for open payments',
} as const;

/**
 * The money rules, each guarded on its own: the ledger code refuses an unbalanced entry (with the database's
 * trigger switched off), the database trigger refuses one (with the code bypassed), and the invariant check
 * names each kind of corruption fed to it (rows written with raw SQL, triggers and constraints off).
 */
describe('ledger guards (real Postgres)', () => {
  let ctx: TestContext;
  let admin: TestUser;
  let pg: Client;
  let releasedPaymentId: string;

  beforeAll(async () => {
    ctx = await createTestContext({ label: 'ledger-guards' });
    const company = await ctx.user('company');
    const influencer = await ctx.user('influencer');
    admin = await ctx.user('admin');
    // real activity first: one payment held and partly released, one fully released
    const a = await proposeAndAccept(ctx, company, influencer, {
      amount: 60000,
      milestones: [
        { title: 'a', amount: 20000 },
        { title: 'b', amount: 40000 },
      ],
    });
    await payWith(ctx, company, a.collaboration.id);
    await ctx.http.post(
      `/api/payments/collaboration/${a.collaboration.id}/release`,
      { milestoneId: a.collaboration.milestones[0].id },
      { token: company.token },
    );
    const b = await proposeAndAccept(ctx, company, influencer, { amount: 30000 });
    await payWith(ctx, company, b.collaboration.id);
    const rel = await ctx.http.post(`/api/payments/collaboration/${b.collaboration.id}/release`, {}, { token: company.token });
    expect(rel.status).toBe(200);
    releasedPaymentId = b.paymentId;
    pg = new Client({ connectionString: ctx.databaseUrl });
    await pg.connect();
  });
  afterAll(async () => {
    await pg?.end();
    await ctx?.close();
  });

  const failing = async () => {
    const r = await ctx.http.get('/api/admin/ledger/check', { token: admin.token });
    expect(r.status).toBe(200);
    const names = (r.body.checks as Array<{ name: string; ok: boolean; details: unknown[] }>).filter((c) => !c.ok);
    for (const c of names) expect({ name: c.name, details: c.details.length > 0 }).toEqual({ name: c.name, details: true });
    expect(r.body.ok).toBe(names.length === 0);
    return names.map((c) => c.name).sort();
  };

  /** Raw SQL with every trigger off (append-only, balanced-entry) for this session only. */
  const raw = async (sql: string, params: unknown[] = []) => {
    await pg.query(`SET session_replication_role = replica`);
    try {
      return (await pg.query(sql, params)).rows;
    } finally {
      await pg.query(`SET session_replication_role = DEFAULT`);
    }
  };
  // what a test wrote, removed after it whatever its outcome (so one failure does not cascade into the next)
  const made = { entries: [] as string[], accounts: [] as string[] };
  afterEach(async () => {
    await cleanup(made.entries.splice(0), made.accounts.splice(0));
  });
  const entry = async () => {
    const id = (
      await raw(`INSERT INTO journal_entries (type, reference_type, reference_id, description) VALUES ('corrupt', 'test', 'x', 'test') RETURNING id`)
    )[0].id as string;
    made.entries.push(id);
    return id;
  };
  const posting = (entryId: string, account: string, amount: number, balanceAfter: number | null = null) =>
    raw(`INSERT INTO postings (entry_id, account_code, currency, amount, balance_after) VALUES ($1, $2, $3, $4, $5)`, [
      entryId,
      account,
      USD,
      amount,
      balanceAfter,
    ]);
  const account = (code: string, normal: 'debit' | 'credit', balance: number) =>
    made.accounts.push(code) &&
    raw(`INSERT INTO ledger_accounts (code, currency, normal, non_negative, balance) VALUES ($1, $2, $3, true, $4)`, [code, USD, normal, balance]);
  async function cleanup(entries: string[], accounts: string[]) {
    await raw(`DELETE FROM postings WHERE entry_id = ANY($1::uuid[])`, [entries]);
    await raw(`DELETE FROM journal_entries WHERE id = ANY($1::uuid[])`, [entries]);
    await raw(`DELETE FROM ledger_accounts WHERE code = ANY($1::text[])`, [accounts]);
  }

  it('starts clean', async () => {
    expect(await failing()).toEqual([]);
  });

  it('the ledger code refuses an unbalanced entry on its own (database trigger switched off)', async () => {
    const ledger = ctx.app.get(LedgerService);
    const before = (await pg.query(`SELECT count(*)::int AS n FROM journal_entries`)).rows[0].n;
    for (const lines of [
      [
        { account: Accounts.stripeBalance, currency: USD, amount: 100 },
        { account: Accounts.feeRevenue, currency: USD, amount: -99 },
      ],
      [
        { account: Accounts.stripeBalance, currency: USD, amount: 100 },
        { account: Accounts.feeRevenue, currency: 'eur', amount: -100 },
      ],
      [{ account: Accounts.stripeBalance, currency: USD, amount: 100 }],
    ]) {
      await expect(
        inTransaction(ctx.app.get(DataSource), async (em) => {
          await em.query(`ALTER TABLE postings DISABLE TRIGGER postings_balanced`); // rolled back with the transaction
          await ledger.post(em, { type: 'test', referenceType: 'test', referenceId: 'code-guard', description: 'unbalanced', lines });
        }),
      ).rejects.toThrow(/does not balance|at least two postings/);
    }
    expect((await pg.query(`SELECT count(*)::int AS n FROM journal_entries`)).rows[0].n).toBe(before);
    const [trigger] = (await pg.query(`SELECT tgenabled FROM pg_trigger WHERE tgname = 'postings_balanced'`)).rows;
    expect(trigger.tgenabled).toBe('O'); // still on for everyone else
  });

  it('the database trigger refuses an unbalanced entry on its own (code bypassed with raw SQL), at commit', async () => {
    const attempt = async (lines: Array<[string, string, number]>) => {
      await pg.query('BEGIN');
      try {
        const [{ id }] = (
          await pg.query(
            `INSERT INTO journal_entries (type, reference_type, reference_id, description) VALUES ('raw', 'test', 'trigger-guard', 'raw') RETURNING id`,
          )
        ).rows;
        for (const [code, cur, amount] of lines) {
          await pg.query(`INSERT INTO ledger_accounts (code, currency, normal, non_negative) VALUES ($1, $2, 'debit', false) ON CONFLICT DO NOTHING`, [
            code,
            cur,
          ]);
          await pg.query(`INSERT INTO postings (entry_id, account_code, currency, amount, balance_after) VALUES ($1, $2, $3, $4, NULL)`, [
            id,
            code,
            cur,
            amount,
          ]);
        }
        await pg.query('COMMIT');
        return 'committed';
      } catch (e) {
        await pg.query('ROLLBACK').catch(() => undefined);
        return `${(e as { code?: string }).code}: ${(e as Error).message}`;
      }
    };
    expect(await attempt([[Accounts.stripeBalance, USD, 100]])).toMatch(/^23514: journal entry .* does not balance in usd/);
    expect(
      await attempt([
        [Accounts.stripeBalance, USD, 100],
        [Accounts.stripeFees, USD, -99],
      ]),
    ).toMatch(/^23514: .*does not balance in usd/);
    expect(
      await attempt([
        [Accounts.stripeBalance, USD, 100],
        [Accounts.stripeFees, 'eur', -100],
      ]),
    ).toMatch(/^23514: .*does not balance/);
    // the same path with a balanced entry commits (so the refusals above are the trigger's, not the SQL's)
    expect(
      await attempt([
        [Accounts.stripeBalance, USD, 100],
        [Accounts.stripeFees, USD, -100],
      ]),
    ).toBe('committed');
    // and the journal is append-only
    await expect(pg.query(`UPDATE postings SET amount = amount + 1 WHERE account_code = $1`, [Accounts.stripeFees])).rejects.toThrow(/append-only/);
    await expect(pg.query(`DELETE FROM journal_entries WHERE reference_id = 'trigger-guard'`)).rejects.toThrow(/append-only/);
    expect(await failing()).toEqual([]);
  });

  it('names an entry that does not balance (while the whole ledger still sums to zero)', async () => {
    const [e1, e2] = [await entry(), await entry()];
    await posting(e1, Accounts.stripeBalance, 100);
    await posting(e2, Accounts.stripeBalance, -100);
    expect(await failing()).toEqual([CHECKS.entries]);
    await cleanup(made.entries.splice(0), made.accounts.splice(0));
    expect(await failing()).toEqual([]);
  });

  it('names postings that do not sum to zero per currency', async () => {
    const e = await entry();
    await posting(e, Accounts.stripeBalance, 100);
    expect(await failing()).toEqual([CHECKS.entries, CHECKS.sum].sort());
  });

  it('names a negative wallet (its postings consistent, the entry balanced)', async () => {
    const wallet = Accounts.walletAvailable(randomUUID());
    await pg.query(`ALTER TABLE ledger_accounts DROP CONSTRAINT ledger_accounts_non_negative`);
    try {
      await account(wallet, 'credit', -500);
      const e = await entry();
      await posting(e, wallet, 500, -500); // a debit on a credit-normal account: its natural balance -500
      await posting(e, Accounts.stripeBalance, -500);
      expect(await failing()).toEqual([CHECKS.negative]);
    } finally {
      await cleanup(made.entries.splice(0), made.accounts.splice(0));
      await pg.query(`ALTER TABLE ledger_accounts ADD CONSTRAINT ledger_accounts_non_negative CHECK (NOT non_negative OR balance >= 0)`);
    }
  });

  it('names a balance that drifted from its postings', async () => {
    const wallet = Accounts.walletAvailable(randomUUID());
    await account(wallet, 'credit', 7);
    expect(await failing()).toEqual([CHECKS.drift]);
  });

  it('names a payment whose escrow does not match its own figures (a finished payment: totals unaffected)', async () => {
    await raw(`UPDATE payments SET amount_released = amount_released - 1 WHERE id = $1`, [releasedPaymentId]);
    try {
      expect(await failing()).toEqual([CHECKS.escrow]);
    } finally {
      await raw(`UPDATE payments SET amount_released = amount_released + 1 WHERE id = $1`, [releasedPaymentId]);
    }
  });

  it('names escrow held for no open payment (total escrow ≠ funds held)', async () => {
    const orphan = Accounts.escrow(randomUUID());
    await account(orphan, 'credit', 100);
    const e = await entry();
    await posting(e, orphan, -100, 100);
    await posting(e, Accounts.stripeBalance, 100);
    expect(await failing()).toEqual([CHECKS.totals]);
    await cleanup(made.entries.splice(0), made.accounts.splice(0));
    expect(await failing()).toEqual([]);
  });
});
