import { useQuery } from '@tanstack/react-query';
import { apiClient } from '../../../lib/api-client';
import type { LedgerCheck } from '../../../types/api';

export function getLedgerCheck(signal?: AbortSignal): Promise<LedgerCheck> {
  return apiClient.get<LedgerCheck>('/admin/ledger/check', undefined, signal);
}

export function useLedgerCheck() {
  return useQuery({ queryKey: ['admin', 'ledger-check'], queryFn: ({ signal }) => getLedgerCheck(signal) });
}

export function ledgerIsHealthy(check: LedgerCheck): boolean | undefined {
  for (const key of ['ok', 'healthy', 'valid', 'balanced'] as const) {
    if (typeof check[key] === 'boolean') return check[key] as boolean;
  }
  for (const key of ['violations', 'errors', 'problems'] as const) {
    if (Array.isArray(check[key])) return (check[key] as unknown[]).length === 0;
  }
  return undefined;
}
