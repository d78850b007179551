import { CURRENCY_CODES, isSupportedCurrency } from '@collabpay/currency';
import { randomBytes } from 'node:crypto';
import type Stripe from 'stripe';
import { Clock } from './clock';
import { invalid, noSuch } from './errors';
import type { ParamObject, ParamValue } from './params';

export const API_VERSION = '2026-10-28.endive';

/** Who is calling and on whose behalf (the `Stripe-Account` header). */
export interface RequestContext {
  /** account whose data this request reads/writes: the platform id or a connected account id */
  account: string;
  /** true when a `Stripe-Account` header named a connected account */
  connect: boolean;
  requestId: string | null;
  idempotencyKey: string | null;
  /** true when authenticated only with the publishable key (Stripe.js calls) */
  publishable: boolean;
}

interface Rec<T> {
  obj: T;
  account: string;
  seq: number;
}

/** One collection of objects of a type, each owned by an account. */
export class Collection<T extends { id: string }> {
  readonly items = new Map<string, Rec<T>>();
  constructor(
    private readonly core: Core,
    readonly kind: string,
  ) {}

  add(obj: T, account: string): T {
    this.items.set(obj.id, { obj, account, seq: this.core.nextSeq() });
    this.core.index.set(obj.id, this as unknown as Collection<{ id: string }>);
    return obj;
  }
  /** fetch, checking ownership; 404 in Stripe's words otherwise */
  get(id: string, account: string, param = 'id'): T {
    const rec = this.items.get(id);
    if (!rec || rec.account !== account) throw noSuch(this.kind, id, param);
    return rec.obj;
  }
  find(id: string): T | undefined {
    return this.items.get(id)?.obj;
  }
  accountOf(id: string): string | undefined {
    return this.items.get(id)?.account;
  }
  delete(id: string): void {
    this.items.delete(id);
  }
  /** newest first, as Stripe lists */
  list(account: string, filter: (o: T) => boolean = () => true): T[] {
    return [...this.items.values()]
      .filter((r) => r.account === account && filter(r.obj))
      .sort((a, b) => b.seq - a.seq)
      .map((r) => r.obj);
  }
}

export interface CoreOptions {
  platformAccountId: string;
  publicUrl: string;
  logger: (msg: string) => void;
  delays: { payoutMs: number; processingMs: number; availableMs: number };
}

/** State of one emulator instance: clock, timers, id generation, collections. */
export class Core {
  private seq = 0;
  private idCounter = 0;
  private readonly tag = Date.now().toString(36).slice(-6) + randomBytes(2).toString('hex');
  /** the emulated clock (see clock.ts) */
  readonly clock: Clock;
  readonly index = new Map<string, Collection<{ id: string }>>();

  constructor(readonly opts: CoreOptions) {
    this.clock = new Clock(opts.logger);
  }

  get closed(): boolean {
    return this.clock.closed;
  }

  get platform(): string {
    return this.opts.platformAccountId;
  }

  nextSeq(): number {
    return ++this.seq;
  }

  id(prefix: string): string {
    this.idCounter += 1;
    return `${prefix}_1${this.tag}${this.idCounter.toString(36).padStart(8, '0')}`;
  }

  secret(len = 24): string {
    const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
    const bytes = randomBytes(len);
    let s = '';
    for (const b of bytes) s += alphabet[b % alphabet.length];
    return s;
  }

  nowMs(): number {
    return this.clock.nowMs();
  }
  now(): number {
    return this.clock.now();
  }

  collection<T extends { id: string }>(kind: string): Collection<T> {
    return new Collection<T>(this, kind);
  }

  /** look up any object by id (for `expand`) */
  lookup(id: string): { id: string } | undefined {
    return this.index.get(id)?.find(id);
  }

  // ---- timers (time-based behaviour): all on the emulated clock ----
  schedule(delayMs: number, fn: () => void): void {
    this.clock.schedule(delayMs, fn);
  }
  /** see Clock.advance */
  advance(ms?: number): void {
    this.clock.advance(ms);
  }
  stopTimers(): void {
    this.clock.stop();
  }
}

// ---------- param helpers ----------
export function str(p: ParamObject, key: string): string | undefined {
  const v = p[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw invalid(`Invalid string: ${key}`, key);
  return v;
}
export function reqStr(p: ParamObject, key: string): string {
  const v = str(p, key);
  if (v === undefined || v === '') throw invalid(`Missing required param: ${key}.`, key, 'parameter_missing');
  return v;
}
export function int(p: ParamObject, key: string): number | undefined {
  const v = str(p, key);
  if (v === undefined || v === '') return undefined;
  if (!/^-?\d+$/.test(v)) throw invalid(`Invalid integer: ${v}`, key, 'parameter_invalid_integer');
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw invalid(`Invalid integer: ${v}`, key, 'parameter_invalid_integer');
  return n;
}
export function reqInt(p: ParamObject, key: string): number {
  const n = int(p, key);
  if (n === undefined) throw invalid(`Missing required param: ${key}.`, key, 'parameter_missing');
  return n;
}
export function bool(p: ParamObject, key: string): boolean | undefined {
  const v = str(p, key);
  if (v === undefined || v === '') return undefined;
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw invalid(`Invalid boolean: ${v}`, key);
}
export function obj(p: ParamObject, key: string): ParamObject | undefined {
  const v = p[key];
  if (v === undefined || v === '') return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw invalid(`Invalid object`, key);
  return v;
}
export function arr(p: ParamObject, key: string): ParamValue[] | undefined {
  const v = p[key];
  if (v === undefined || v === '') return undefined;
  if (Array.isArray(v)) return v;
  if (typeof v === 'object') return Object.values(v);
  throw invalid(`Invalid array`, key);
}
export function strArr(p: ParamObject, key: string): string[] | undefined {
  const a = arr(p, key);
  return a?.map((x) => {
    if (typeof x !== 'string') throw invalid('Invalid array', key);
    return x;
  });
}
export function currency(p: ParamObject, key = 'currency', required = true): string {
  const c = required ? reqStr(p, key) : (str(p, key) ?? 'usd');
  const lc = c.toLowerCase();
  if (!isSupportedCurrency(lc))
    throw invalid(`Invalid currency: ${c}. Stripe currently supports these currencies: usd, ${CURRENCY_CODES.filter((x) => x !== 'usd').join(', ')}`, key);
  return lc;
}

/** `metadata[k]=v` merges; an empty string unsets a key; `metadata=` clears all. */
export function applyMetadata(current: Stripe.Metadata | null, p: ParamObject, key = 'metadata'): Stripe.Metadata {
  const base: Stripe.Metadata = { ...(current ?? {}) };
  const v = p[key];
  if (v === undefined) return base;
  if (v === '') return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw invalid('Invalid hash', key);
  for (const [k, val] of Object.entries(v)) {
    if (typeof val !== 'string') throw invalid('Invalid metadata value; must be a string', `${key}[${k}]`);
    if (k.length > 40) throw invalid('Metadata keys can have up to 40 characters.', `${key}[${k}]`);
    if (val.length > 500) throw invalid('Metadata values can have up to 500 characters.', `${key}[${k}]`);
    if (val === '') delete base[k];
    else base[k] = val;
  }
  if (Object.keys(base).length > 50) throw invalid('Metadata can have up to 50 keys.', key);
  return base;
}

export function snapshot<T>(o: T): T {
  return JSON.parse(JSON.stringify(o)) as T;
}

/** shallow diff for `previous_attributes` */
export function previousAttributes(before: object, after: object): Record<string, unknown> {
  const prev: Record<string, unknown> = {};
  const b = before as Record<string, unknown>;
  const a = after as Record<string, unknown>;
  for (const k of new Set([...Object.keys(b), ...Object.keys(a)])) {
    if (JSON.stringify(b[k]) !== JSON.stringify(a[k])) prev[k] = b[k] === undefined ? null : b[k];
  }
  return prev;
}
