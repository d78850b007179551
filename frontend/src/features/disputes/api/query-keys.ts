export const disputeKeys = {
  all: ['disputes'] as const,
  list: (params: { status?: string; limit?: number; cursor?: string }) => ['disputes', 'list', params] as const,
  detail: (id: string) => ['disputes', 'detail', id] as const,
};
