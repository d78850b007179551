import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { apiClient, type Page } from '../../../lib/api-client';

export interface AuditEntry {
  id: string;
  actorId: string;
  action: string;
  targetType: string;
  targetId: string | null;
  details: unknown;
  createdAt: string;
}

export function getAuditLog(params: { cursor?: string; limit?: number }, signal?: AbortSignal): Promise<Page<AuditEntry>> {
  return apiClient.get<Page<AuditEntry>>('/admin/audit-log', { limit: params.limit ?? 20, cursor: params.cursor }, signal);
}

export function useAuditLog(params: { cursor?: string; limit?: number } = {}) {
  return useQuery({ queryKey: ['admin', 'audit-log', params], queryFn: ({ signal }) => getAuditLog(params, signal), placeholderData: keepPreviousData });
}
