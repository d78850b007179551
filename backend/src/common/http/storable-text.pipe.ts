import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { badRequest } from '../errors/app-error';

/** The stable code of a request whose body, query or path holds text PostgreSQL cannot store. */
export const INVALID_CHARACTERS = 'INVALID_CHARACTERS';

/**
 * Why a string cannot be stored as PostgreSQL text/jsonb: a NUL character (U+0000; PostgreSQL refuses it in
 * `text` and `jsonb`) or a lone UTF-16 surrogate (not Unicode: `text` would get U+FFFD instead, `jsonb` refuses it).
 * null when the string is fine.
 */
// a high surrogate not followed by a low one, or a low one not preceded by a high one (code units, no `u` flag)
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function unstorableReason(s: string): string | null {
  if (s.includes('\u0000')) return 'contains a NUL character (\\u0000)';
  if (LONE_SURROGATE.test(s)) return 'contains an unpaired UTF-16 surrogate (not valid Unicode)';
  return null;
}

/** The first string (value or object key) in `value` that cannot be stored, with its path; null when none. */
export function findUnstorable(value: unknown, path: string, depth = 0): { path: string; reason: string } | null {
  if (typeof value === 'string') {
    const reason = unstorableReason(value);
    return reason ? { path, reason } : null;
  }
  if (value === null || typeof value !== 'object' || depth > 32) return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const bad = findUnstorable(value[i], `${path}[${i}]`, depth + 1);
      if (bad) return bad;
    }
    return null;
  }
  for (const [k, v] of Object.entries(value)) {
    const keyReason = unstorableReason(k);
    if (keyReason) return { path: `${path} (a key)`, reason: keyReason };
    const bad = findUnstorable(v, path ? `${path}.${k}` : k, depth + 1);
    if (bad) return bad;
  }
  return null;
}

/**
 * Global pipe, before the ValidationPipe: every body, query and path parameter of every route is refused with
 * 400 INVALID_CHARACTERS when it holds text PostgreSQL cannot store, so no DTO needs its own rule and no such
 * string ever reaches a query (it used to be a 500).
 */
@Injectable()
export class StorableTextPipe implements PipeTransform {
  transform(value: unknown, meta: ArgumentMetadata): unknown {
    if (meta.type !== 'body' && meta.type !== 'query' && meta.type !== 'param') return value;
    const root = meta.data ? meta.data : meta.type === 'body' ? '' : meta.type;
    const bad = findUnstorable(value, root);
    if (bad) {
      const where = bad.path || 'body';
      throw badRequest(INVALID_CHARACTERS, `${where} ${bad.reason}`, { field: where, in: meta.type });
    }
    return value;
  }
}
