import { DataSource } from 'typeorm';

/**
 * Runs `work` while holding a cluster-wide advisory lock, for work that spans many transactions (a scheduled pass,
 * a migration run). The lock is transaction-level (`pg_advisory_xact_lock`), held by a transaction kept open on
 * a connection of its own while `work` runs on others: no session state, so it works through a transaction-pooling
 * PgBouncer (the server connection stays with that transaction), and it goes away with the transaction whatever
 * happens to the process. `wait: false` gives up at once when another holder has it (returns `{ ran: false }`).
 */
export async function withPassLock<T>(ds: DataSource, key: number, wait: boolean, work: () => Promise<T>): Promise<{ ran: true; value: T } | { ran: false }> {
  const qr = ds.createQueryRunner();
  await qr.connect();
  try {
    await qr.startTransaction();
    if (wait) await qr.query(`SELECT pg_advisory_xact_lock($1)`, [key]);
    else {
      const [{ ok }] = await qr.query(`SELECT pg_try_advisory_xact_lock($1) AS ok`, [key]);
      if (!ok) return { ran: false };
    }
    const value = await work();
    return { ran: true, value };
  } finally {
    // rollback or commit alike release the lock; the transaction wrote nothing
    if (qr.isTransactionActive) await qr.rollbackTransaction().catch(() => undefined);
    await qr.release();
  }
}
