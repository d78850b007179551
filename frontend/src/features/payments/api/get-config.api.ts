import { useQuery } from '@tanstack/react-query';
import { apiClient } from '../../../lib/api-client';
import type { AppConfig } from '../../../types/api';
import { configKey } from './query-keys';

export function getConfig(signal?: AbortSignal): Promise<AppConfig> {
  return apiClient.get<AppConfig>('/config', undefined, signal);
}

export function useConfig() {
  return useQuery({ queryKey: configKey, queryFn: ({ signal }) => getConfig(signal), staleTime: Infinity });
}
