import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiClient } from '../../../lib/api-client';
import { billingKeys } from './query-keys';
import type { Retainer } from './types';

export function getRetainers(signal?: AbortSignal): Promise<{ data: Retainer[] }> {
  return apiClient.get<{ data: Retainer[] }>('/retainers', undefined, signal);
}

export function useRetainers() {
  return useQuery({ queryKey: billingKeys.retainers, queryFn: ({ signal }) => getRetainers(signal) });
}

export const startRetainer = (input: { collaborationId: string; paymentMethodId?: string }, idempotencyKey?: string) =>
  apiClient.post<Retainer>('/retainers', input, { idempotencyKey });
export const cancelRetainer = (id: string) => apiClient.post<Retainer>(`/retainers/${encodeURIComponent(id)}/cancel`);
export const resumeRetainer = (id: string) => apiClient.post<Retainer>(`/retainers/${encodeURIComponent(id)}/resume`);
export const retryRetainer = (id: string, paymentMethodId?: string) =>
  apiClient.post<Retainer>(`/retainers/${encodeURIComponent(id)}/retry`, paymentMethodId ? { paymentMethodId } : {});
export const releaseRetainerPeriod = (id: string, periodIndex: number, idempotencyKey?: string) =>
  apiClient.post(`/retainers/${encodeURIComponent(id)}/periods/${periodIndex}/release`, {}, { idempotencyKey });

function useRetainerMutation<V>(fn: (v: V) => Promise<unknown>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSettled: () => {
      void qc.invalidateQueries({ queryKey: billingKeys.all });
      void qc.invalidateQueries({ queryKey: ['collaborations'] });
    },
  });
}

export const useStartRetainer = () =>
  useRetainerMutation((v: { collaborationId: string; paymentMethodId?: string; idempotencyKey?: string }) =>
    startRetainer({ collaborationId: v.collaborationId, paymentMethodId: v.paymentMethodId }, v.idempotencyKey),
  );
export const useCancelRetainer = () => useRetainerMutation((id: string) => cancelRetainer(id));
export const useResumeRetainer = () => useRetainerMutation((id: string) => resumeRetainer(id));
export const useRetryRetainer = () => useRetainerMutation((v: { id: string; paymentMethodId?: string }) => retryRetainer(v.id, v.paymentMethodId));
export const useReleaseRetainerPeriod = () =>
  useRetainerMutation((v: { id: string; periodIndex: number; idempotencyKey?: string }) => releaseRetainerPeriod(v.id, v.periodIndex, v.idempotencyKey));
