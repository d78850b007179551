import { useQuery } from '@tanstack/react-query';
import { apiClient } from '../../../lib/api-client';
import type { WebhookEvent } from '../../../types/api';

export const webhookEventsKey = (status: string) => ['admin', 'webhook-events', status] as const;

/** Accepts either a paginated `{data}` answer or a bare array. */
export async function getWebhookEvents(status: string, signal?: AbortSignal): Promise<WebhookEvent[]> {
  const res = await apiClient.get<{ data: WebhookEvent[] } | WebhookEvent[]>('/admin/webhook-events', { status }, signal);
  return Array.isArray(res) ? res : (res?.data ?? []);
}

export function useWebhookEvents(status = 'failed') {
  return useQuery({ queryKey: webhookEventsKey(status), queryFn: ({ signal }) => getWebhookEvents(status, signal) });
}
