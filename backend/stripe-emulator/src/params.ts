/**
 * Stripe's form dialect: `a[b][c]=v`, `list[0]=x`, `list[]=x`. Values stay strings; handlers coerce them.
 */
export type ParamValue = string | ParamObject | ParamValue[];
export interface ParamObject {
  [key: string]: ParamValue;
}

function splitKey(key: string): string[] {
  const first = key.indexOf('[');
  if (first < 0) return [key];
  const parts = [key.slice(0, first)];
  const re = /\[([^\]]*)\]/g;
  let m: RegExpExecArray | null;
  re.lastIndex = first;
  while ((m = re.exec(key))) parts.push(m[1]);
  return parts;
}

/** Objects whose keys are all integers become arrays (ordered by index). */
function normalize(v: ParamValue | Record<string, unknown>): ParamValue {
  if (typeof v === 'string' || Array.isArray(v)) return Array.isArray(v) ? v.map((x) => normalize(x)) : v;
  const obj = v as ParamObject;
  const keys = Object.keys(obj);
  for (const k of keys) obj[k] = normalize(obj[k]);
  if (keys.length > 0 && keys.every((k) => /^\d+$/.test(k))) {
    return keys
      .map((k) => Number(k))
      .sort((a, b) => a - b)
      .map((k) => obj[String(k)]);
  }
  return obj;
}

export function parseForm(body: string): ParamObject {
  const root: ParamObject = {};
  const pushCounters = new Map<object, number>();
  if (!body) return root;
  for (const pair of body.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const rawKey = eq < 0 ? pair : pair.slice(0, eq);
    const rawVal = eq < 0 ? '' : pair.slice(eq + 1);
    const key = decodeURIComponent(rawKey.replace(/\+/g, ' '));
    const val = decodeURIComponent(rawVal.replace(/\+/g, ' '));
    const parts = splitKey(key);
    let cur: ParamObject = root;
    for (let i = 0; i < parts.length; i++) {
      let part = parts[i];
      if (part === '') {
        const n = pushCounters.get(cur) ?? Object.keys(cur).length;
        pushCounters.set(cur, n + 1);
        part = String(n);
      }
      if (i === parts.length - 1) {
        cur[part] = val;
      } else {
        const next = cur[part];
        if (typeof next !== 'object' || next === null || Array.isArray(next)) cur[part] = {};
        cur = cur[part] as ParamObject;
      }
    }
  }
  return normalize(root) as ParamObject;
}

/** Parse a JSON body (Stripe.js stand-in may post JSON) into the same string-valued shape. */
export function fromJson(v: unknown): ParamValue {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.map(fromJson);
  if (typeof v === 'object') {
    const o: ParamObject = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) if (x !== undefined) o[k] = fromJson(x);
    return o;
  }
  return String(v);
}

/** Stable string for idempotency comparison. */
export function canonical(v: ParamValue): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  return `{${Object.keys(v)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`)
    .join(',')}}`;
}
