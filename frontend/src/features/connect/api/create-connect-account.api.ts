import { apiClient, newIdempotencyKey } from '../../../lib/api-client';

export function createConnectAccount(): Promise<{ accountId: string; status: string }> {
  return apiClient.post<{ accountId: string; status: string }>('/connect/account', {}, { idempotencyKey: newIdempotencyKey() });
}
