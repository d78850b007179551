import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiClient, apiRequest } from '../../../lib/api-client';
import { billingKeys } from './query-keys';
import type { BillingAddress, BillingCustomer } from './types';

export interface BillingDetailsInput {
  name: string;
  email: string;
  address?: BillingAddress;
  taxId?: { type: string; value: string };
}

export function getBillingCustomer(signal?: AbortSignal): Promise<BillingCustomer> {
  return apiClient.get<BillingCustomer>('/billing/customer', undefined, signal);
}

export function updateBillingCustomer(input: BillingDetailsInput): Promise<BillingCustomer> {
  return apiRequest<BillingCustomer>('/billing/customer', { method: 'PUT', body: input });
}

export function useBillingCustomer() {
  return useQuery({ queryKey: billingKeys.customer, queryFn: ({ signal }) => getBillingCustomer(signal) });
}

export function useUpdateBillingCustomer() {
  const qc = useQueryClient();
  return useMutation({ mutationFn: updateBillingCustomer, onSuccess: (c) => qc.setQueryData(billingKeys.customer, c) });
}
