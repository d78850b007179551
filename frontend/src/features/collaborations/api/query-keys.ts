export const collaborationKeys = {
  all: ['collaborations'] as const,
  list: (params: { cursor?: string; limit?: number; status?: string }) => ['collaborations', 'list', params] as const,
  detail: (id: string) => ['collaborations', 'detail', id] as const,
  influencerSearch: (q: string) => ['influencers', 'search', q] as const,
};
