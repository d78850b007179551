import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { apiClient, type Page } from '../../../lib/api-client';
import type { Payment } from '../../../types/api';
import { paymentKeys } from './query-keys';

export interface PaymentListParams {
  cursor?: string;
  limit?: number;
  status?: string;
}

export function getPayments(params: PaymentListParams, signal?: AbortSignal): Promise<Page<Payment>> {
  return apiClient.get<Page<Payment>>('/payments', { limit: params.limit ?? 20, cursor: params.cursor, status: params.status }, signal);
}

/** The list query, shared by the hook and the dashboard route's prefetch (app/route-prefetch.ts). */
export const paymentListQuery = (params: PaymentListParams) =>
  queryOptions({ queryKey: paymentKeys.list(params), queryFn: ({ signal }) => getPayments(params, signal) });

export function usePayments(params: PaymentListParams) {
  return useQuery({ ...paymentListQuery(params), placeholderData: keepPreviousData });
}
