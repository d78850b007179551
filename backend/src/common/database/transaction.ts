import { DataSource, EntityManager } from 'typeorm';

const RETRYABLE = new Set(['40001', '40P01']); // serialization_failure, deadlock_detected

export interface TxOptions {
  isolation?: 'READ COMMITTED' | 'REPEATABLE READ' | 'SERIALIZABLE';
  retries?: number;
}

/** Runs `work` in one transaction; retries on serialization failures and deadlocks. */
export async function inTransaction<T>(ds: DataSource, work: (em: EntityManager) => Promise<T>, opts: TxOptions = {}): Promise<T> {
  const retries = opts.retries ?? 5;
  for (let attempt = 0; ; attempt++) {
    try {
      return await ds.transaction(opts.isolation ?? 'READ COMMITTED', work);
    } catch (e) {
      const code = (e as { code?: string; driverError?: { code?: string } }).driverError?.code ?? (e as { code?: string }).code;
      if (code && RETRYABLE.has(code) && attempt < retries) {
        await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * (attempt + 1)));
        continue;
      }
      throw e;
    }
  }
}

export function pgErrorCode(e: unknown): string | undefined {
  return (e as { driverError?: { code?: string } }).driverError?.code ?? (e as { code?: string }).code;
}

export function pgConstraint(e: unknown): string | undefined {
  return (e as { driverError?: { constraint?: string } }).driverError?.constraint ?? (e as { constraint?: string }).constraint;
}
