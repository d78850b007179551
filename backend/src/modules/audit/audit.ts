import { SetMetadata } from '@nestjs/common';

export const AUDIT_KEY = 'collabpay:audit';

/** Names an admin action in the audit log (routes without it get a name derived from their path). */
export const Audited = (action: string, targetType: string) => SetMetadata(AUDIT_KEY, { action, targetType });

/** `POST /api/admin/webhook-events/:id/replay` → `webhook-events.replay` on `webhook-events`. */
export function deriveAction(method: string, routePath: string): { action: string; targetType: string } {
  const parts = routePath
    .replace(/^\/?api\//, '')
    .replace(/^admin\//, '')
    .split('/')
    .filter((p) => p && !p.startsWith(':'));
  const targetType = parts[0] ?? 'unknown';
  const verb = parts.length > 1 ? parts.slice(1).join('.') : method.toLowerCase();
  return { action: `${targetType}.${verb}`, targetType };
}

/** Request bodies are stored as details; anything secret-looking is masked and long text cut. */
export function auditDetails(body: unknown): unknown {
  if (body === null || typeof body !== 'object') return body ?? null;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body as Record<string, unknown>).slice(0, 20)) {
    if (/password|secret|token|key/i.test(k)) out[k] = '***';
    else if (typeof v === 'string') out[k] = v.length > 500 ? `${v.slice(0, 500)}…` : v;
    else if (typeof v === 'number' || typeof v === 'boolean' || v === null) out[k] = v;
    else out[k] = JSON.stringify(v).slice(0, 500);
  }
  return out;
}

const UNSTORABLE = /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * PostgreSQL text and jsonb cannot hold NUL (U+0000) nor lone UTF-16 surrogates ("unsupported Unicode escape
 * sequence"): both become U+FFFD, in keys and values at any depth, so an entry about hostile input is still stored.
 */
export function storable<T>(value: T): T {
  if (typeof value === 'string') return value.replace(UNSTORABLE, '\uFFFD') as T;
  if (Array.isArray(value)) return value.map(storable) as T;
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [storable(k), storable(v)])) as T;
}
