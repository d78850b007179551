import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiClient, apiRequest } from '../../../lib/api-client';
import { billingKeys } from './query-keys';
import type { SavedCard } from './types';

export function getSavedCards(signal?: AbortSignal): Promise<{ data: SavedCard[] }> {
  return apiClient.get<{ data: SavedCard[] }>('/billing/payment-methods', undefined, signal);
}

export function useSavedCards() {
  return useQuery({ queryKey: billingKeys.cards, queryFn: ({ signal }) => getSavedCards(signal) });
}

export function createSetupIntent(): Promise<{ setupIntentId: string; clientSecret: string; publishableKey: string }> {
  return apiClient.post('/billing/setup-intent');
}

export function setDefaultCard(id: string): Promise<{ data: SavedCard[] }> {
  return apiClient.post(`/billing/payment-methods/${encodeURIComponent(id)}/default`);
}

export function removeCard(id: string): Promise<{ data: SavedCard[] }> {
  return apiRequest(`/billing/payment-methods/${encodeURIComponent(id)}`, { method: 'DELETE' });
}

export function useSetDefaultCard() {
  const qc = useQueryClient();
  return useMutation({ mutationFn: setDefaultCard, onSuccess: (res) => qc.setQueryData(billingKeys.cards, res) });
}

export function useRemoveCard() {
  const qc = useQueryClient();
  return useMutation({ mutationFn: removeCard, onSuccess: (res) => qc.setQueryData(billingKeys.cards, res) });
}
