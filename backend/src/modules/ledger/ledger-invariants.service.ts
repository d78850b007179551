import { Injectable } from '@nestjs/common';
import { LedgerRepository } from './ledger.repository';

export interface InvariantReport {
  ok: boolean;
  checkedAt: string;
  counts: { entries: number; postings: number; accounts: number };
  checks: Array<{ name: string; ok: boolean; details: unknown[] }>;
}

/** The ledger's invariants, used by tests, the admin endpoint and the benchmarks. */
@Injectable()
export class LedgerInvariantsService {
  constructor(private readonly repo: LedgerRepository) {}

  async check(): Promise<InvariantReport> {
    const [currencies, entries, negatives, drift, escrow, totals, counts] = await Promise.all([
      this.repo.unbalancedCurrencies(),
      this.repo.unbalancedEntries(),
      this.repo.negativeNonNegativeAccounts(),
      this.repo.driftedAccounts(),
      this.repo.escrowMismatches(),
      this.repo.escrowTotals(),
      this.repo.counts(),
    ]);
    const badTotals = totals.filter((t) => Number(t.escrow) !== Number(t.expected));
    const checks = [
      { name: 'postings sum to zero per currency', ok: currencies.length === 0, details: currencies },
      { name: 'every journal entry balances per currency', ok: entries.length === 0, details: entries },
      { name: 'no wallet, escrow or in-transit account is negative', ok: negatives.length === 0, details: negatives },
      { name: 'account balances equal the sum of their postings', ok: drift.length === 0, details: drift },
      { name: 'each payment’s escrow equals amount - released - refunded', ok: escrow.length === 0, details: escrow },
      { name: 'total escrow equals funds held for open payments', ok: badTotals.length === 0, details: badTotals },
    ];
    return { ok: checks.every((c) => c.ok), checkedAt: new Date().toISOString(), counts, checks };
  }
}
