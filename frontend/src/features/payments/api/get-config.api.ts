import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiClient } from '../../../lib/api-client';
import type { AppConfig } from '../../../types/api';
import { configKey } from './query-keys';

export function getConfig(signal?: AbortSignal): Promise<AppConfig> {
  return apiClient.get<AppConfig>('/config', undefined, signal);
}

export const configQuery = queryOptions({ queryKey: configKey, queryFn: ({ signal }) => getConfig(signal), staleTime: Infinity });

export function useConfig() {
  return useQuery(configQuery);
}
