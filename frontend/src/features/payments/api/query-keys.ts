export const paymentKeys = {
  all: ['payments'] as const,
  list: (params: { cursor?: string; limit?: number; status?: string }) => ['payments', 'list', params] as const,
  detail: (id: string) => ['payments', 'detail', id] as const,
  byCollaboration: (collaborationId: string) => ['payments', 'collaboration', collaborationId] as const,
  intent: (collaborationId: string) => ['payments', 'intent', collaborationId] as const,
};

export const configKey = ['config'] as const;
