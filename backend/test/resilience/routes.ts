import type { TestContext } from '../support/test-app';

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string; // OpenAPI style: /api/payments/{id}
  hasBody: boolean;
  bodySchema?: any;
  schemas: Record<string, any>;
  /** The documented path and query parameters. */
  params: { name: string; in: 'path' | 'query' }[];
}

/** Revokes the token it is called with: the suites that call every route with their users' tokens leave it out. */
export const REVOKES_TOKEN = 'POST /api/auth/logout';

/**
 * Every route the server documents (the OpenAPI document is generated from the controllers, so new routes are
 * included automatically), but logout unless `withLogout` (calling it would sign the suite's users out).
 */
export async function discoverRoutes(ctx: TestContext, opts: { withLogout?: boolean } = {}): Promise<Route[]> {
  const doc = (await ctx.http.get('/api/docs-json')).body;
  const routes: Route[] = [];
  for (const [path, ops] of Object.entries<any>(doc.paths)) {
    for (const [method, op] of Object.entries<any>(ops)) {
      const m = method.toUpperCase();
      if (!['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].includes(m)) continue;
      if (!opts.withLogout && `${m} ${path}` === REVOKES_TOKEN) continue;
      const schema = op.requestBody?.content?.['application/json']?.schema;
      routes.push({
        method: m as Route['method'],
        path,
        hasBody: ['POST', 'PUT', 'PATCH'].includes(m),
        bodySchema: schema,
        schemas: doc.components?.schemas ?? {},
        params: (op.parameters ?? [])
          .filter((p: any) => p.in === 'path' || p.in === 'query')
          .map((p: any) => ({ name: String(p.name), in: p.in as 'path' | 'query' })),
      });
    }
  }
  return routes;
}

export const PUBLIC_ROUTES = new Set(['POST /api/auth/register', 'POST /api/auth/login', 'GET /api/health', 'GET /api/config', 'POST /api/payments/webhook']);

/** Fills `{param}`s: the ids of a resource by what the path names, or a fresh UUID. */
export function fillPath(path: string, ids: Record<string, string>, override?: { name: string; value: string }): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (override?.name === name) return override.value;
    const prefix = path.slice(0, path.indexOf(`{${name}}`));
    const key = Object.keys(ids).find((k) => prefix.endsWith(k.split('=')[0]) && k.split('=')[1] === name) ?? Object.keys(ids).find((k) => k === name);
    return key ? ids[key] : '00000000-0000-4000-8000-000000000000';
  });
}

/**
 * Resources of the collaboration workflow for the route suites: a dispute between the parties (on `milestoneId`),
 * so that `/api/disputes/{id}`, `/api/admin/disputes/{id}` and `/api/admin/payments/{id}` name real resources.
 * The milestone routes (`/api/collaborations/{id}/milestones/{milestoneId}/…`) use `collaborationId`/`milestoneId`.
 */
export async function workflowIds(
  ctx: TestContext,
  opener: { token: string },
  ids: { collaborationId: string; milestoneId: string; paymentId: string },
): Promise<Record<string, string>> {
  const d = await ctx.http.post(
    `/api/collaborations/${ids.collaborationId}/disputes`,
    { milestoneId: ids.milestoneId, reason: 'quality', details: 'route suite fixture' },
    { token: opener.token },
  );
  if (d.status !== 201) throw new Error(`open dispute: ${d.status} ${JSON.stringify(d.body)}`);
  return { '/api/disputes/=id': d.body.id, '/api/admin/disputes/=id': d.body.id, '/api/admin/payments/=id': ids.paymentId, disputeId: d.body.id };
}
