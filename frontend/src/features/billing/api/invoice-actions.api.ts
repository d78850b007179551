import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiClient } from '../../../lib/api-client';
import { billingKeys } from './query-keys';
import type { Invoice } from './types';

export function voidInvoice(id: string): Promise<Invoice> {
  return apiClient.post<Invoice>(`/invoices/${encodeURIComponent(id)}/void`);
}

export function sendInvoice(id: string): Promise<Invoice> {
  return apiClient.post<Invoice>(`/invoices/${encodeURIComponent(id)}/send`);
}

export function useVoidInvoice() {
  const qc = useQueryClient();
  return useMutation({ mutationFn: voidInvoice, onSuccess: () => qc.invalidateQueries({ queryKey: billingKeys.all }) });
}

export function useSendInvoice() {
  const qc = useQueryClient();
  return useMutation({ mutationFn: sendInvoice, onSuccess: () => qc.invalidateQueries({ queryKey: billingKeys.all }) });
}
