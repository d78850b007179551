import http from 'node:http';
import { ParamObject } from './params';

/**
 * API fault injection: make matching `/v1/*` requests fail before they apply (500 / connection reset), apply and then
 * lose the response, or slow down. Tests use it to prove that every Stripe call is safe to retry.
 *
 * - `error_before`: answer `status` (default 500) with a Stripe `api_error`; nothing is applied, no idempotent result
 *   is stored (the request never reached the API).
 * - `reset_before`: destroy the socket without answering; nothing is applied.
 * - `lose_response`: the request is applied in full (objects, events, the stored idempotent result) and then the
 *   socket is destroyed instead of answering.
 * - `delay`: wait `delayMs` (default 1000), then proceed normally.
 *
 * A fault matches when its `method` (any when omitted) equals the request's and its `path` regular expression matches
 * the request path (no query string); it fires `times` times (default 1), the oldest matching fault first.
 */
export type FaultMode = 'error_before' | 'reset_before' | 'lose_response' | 'delay';
export const FAULT_MODES: readonly FaultMode[] = ['error_before', 'reset_before', 'lose_response', 'delay'];

export interface FaultSpec {
  method?: string;
  /** regular expression source matched against the request path, e.g. `^/v1/transfers$` */
  path: string;
  mode: FaultMode;
  times?: number;
  delayMs?: number;
  status?: number;
}

export interface Fault {
  id: string;
  method: string | null;
  path: string;
  mode: FaultMode;
  /** how many more times it fires */
  times: number;
  /** how many times it fired */
  hits: number;
  delayMs: number;
  status: number;
}

export class FaultSpecError extends Error {
  constructor(
    message: string,
    readonly param: string,
  ) {
    super(message);
  }
}

function intParam(v: unknown, name: string, def: number, min: number): number {
  if (v === undefined || v === null || v === '') return def;
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isSafeInteger(n) || n < min) throw new FaultSpecError(`${name} must be an integer >= ${min}`, name);
  return n;
}

export class FaultInjector {
  private faults: Array<Fault & { re: RegExp }> = [];
  private seq = 0;

  add(spec: FaultSpec): { id: string } {
    const raw = spec as unknown as Record<string, unknown>;
    if (typeof raw.path !== 'string' || !raw.path) throw new FaultSpecError('path (a regular expression source) is required', 'path');
    let re: RegExp;
    try {
      re = new RegExp(raw.path);
    } catch {
      throw new FaultSpecError(`path is not a valid regular expression: ${raw.path}`, 'path');
    }
    if (!FAULT_MODES.includes(raw.mode as FaultMode)) throw new FaultSpecError(`mode must be one of ${FAULT_MODES.join(', ')}`, 'mode');
    const method = raw.method === undefined || raw.method === '' ? null : String(raw.method).toUpperCase();
    const status = intParam(raw.status, 'status', 500, 400);
    if (status > 599) throw new FaultSpecError('status must be an HTTP error status (400-599)', 'status');
    const fault = {
      id: `fault_${++this.seq}`,
      method,
      path: raw.path,
      mode: raw.mode as FaultMode,
      times: intParam(raw.times, 'times', 1, 1),
      hits: 0,
      delayMs: intParam(raw.delayMs, 'delayMs', 1000, 0),
      status,
      re,
    };
    this.faults.push(fault);
    return { id: fault.id };
  }

  list(): Fault[] {
    return this.faults.map(({ re: _re, ...f }) => ({ ...f }));
  }

  clear(): void {
    this.faults = [];
  }

  /** The fault that fires for this request, if any (counted as a hit; spent faults stay listed with `times: 0`). */
  take(method: string, path: string): Fault | null {
    const f = this.faults.find((x) => x.times > 0 && (x.method === null || x.method === method) && x.re.test(path));
    if (!f) return null;
    f.times -= 1;
    f.hits += 1;
    return f;
  }

  /**
   * The request-pipeline hook. Serves `/_emulator/faults` and applies a matching fault to `/v1/*` requests.
   * Returns true when the request is fully handled here (control call, error or reset); otherwise the caller goes on
   * (for `lose_response` the response is swallowed and the socket destroyed once the request has been applied).
   */
  async intercept(req: http.IncomingMessage, res: http.ServerResponse, method: string, path: string, params: ParamObject): Promise<boolean> {
    if (path === '/_emulator/faults') {
      this.control(res, method, params);
      return true;
    }
    if (!path.startsWith('/v1/')) return false;
    const fault = this.take(method, path);
    if (!fault) return false;
    switch (fault.mode) {
      case 'delay':
        await new Promise((r) => setTimeout(r, fault.delayMs));
        return false;
      case 'error_before':
        res.writeHead(fault.status, { 'Content-Type': 'application/json', 'Request-Id': `req_fault_${fault.id}_${fault.hits}` });
        res.end(
          JSON.stringify({
            error: { type: 'api_error', message: `An unknown error occurred (injected by the emulator, ${fault.id}).` },
          }),
        );
        return true;
      case 'reset_before':
        req.socket.destroy();
        return true;
      case 'lose_response': {
        const lose = (): http.ServerResponse => {
          req.socket.destroy();
          return res;
        };
        res.writeHead = lose as unknown as typeof res.writeHead;
        res.write = (() => true) as unknown as typeof res.write;
        res.end = lose as unknown as typeof res.end;
        return false;
      }
    }
  }

  private control(res: http.ServerResponse, method: string, params: ParamObject): void {
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json', 'Access-Control-Allow-Origin': '*' });
      res.end(JSON.stringify(body, null, 2));
    };
    if (method === 'GET') return json(200, { object: 'list', data: this.list() });
    if (method === 'DELETE') {
      this.clear();
      return json(200, { ok: true });
    }
    if (method !== 'POST') return json(404, { error: { type: 'invalid_request_error', message: `Unknown control endpoint ${method} /_emulator/faults` } });
    try {
      return json(200, this.add(params as unknown as FaultSpec));
    } catch (e) {
      if (e instanceof FaultSpecError) return json(400, { error: { type: 'invalid_request_error', message: e.message, param: e.param } });
      throw e;
    }
  }
}
