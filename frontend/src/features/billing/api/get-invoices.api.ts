import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { apiClient, type Page } from '../../../lib/api-client';
import { billingKeys } from './query-keys';
import type { Invoice } from './types';

export function getInvoices(params: { cursor?: string; collaborationId?: string }, signal?: AbortSignal): Promise<Page<Invoice>> {
  return apiClient.get<Page<Invoice>>('/invoices', { limit: 20, cursor: params.cursor, collaborationId: params.collaborationId }, signal);
}

/** The list query, shared by the hook and the dashboard route's prefetch (app/route-prefetch.ts). */
export const invoiceListQuery = (params: { cursor?: string; collaborationId?: string }) =>
  queryOptions({ queryKey: billingKeys.invoices(params), queryFn: ({ signal }) => getInvoices(params, signal) });

export function useInvoices(params: { cursor?: string; collaborationId?: string } = {}) {
  return useQuery({
    ...invoiceListQuery(params),
    placeholderData: keepPreviousData,
    // an open invoice is paid outside the SPA (hosted page): poll gently as a fallback to the socket
    refetchInterval: (q) => (q.state.data?.data.some((i) => i.status === 'open') ? 10_000 : false),
  });
}
