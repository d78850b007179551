import http from 'node:http';
import { API_VERSION, arr, Core, RequestContext, snapshot } from '../core';
import { invalid, StripeApiError } from '../errors';
import { IdempotencyStore, IdemRecord } from '../idempotency';
import { canonical, ParamObject } from '../params';
import { buildRoutes } from '../routes';
import { schemaFor, validateParams } from '../schemas';
import { State } from '../state';
import { send, sendJson } from './respond';
import { ApiRequest, listOf, Route } from './router';

export interface ServerConfig {
  secretKey: string;
  publishableKey: string;
  logger: (msg: string) => void;
}

/** The /v1 API: authentication, `Stripe-Account`, routing, idempotency, parameter validation, `expand[]`. */
export class ApiHandler {
  private readonly routes: Route[] = buildRoutes();
  private readonly idem = new IdempotencyStore(() => this.core.nowMs());

  constructor(
    private readonly core: Core,
    private readonly st: State,
    private readonly cfg: ServerConfig,
  ) {}

  private authenticate(req: http.IncomingMessage, params: ParamObject): { key: string | null; publishable: boolean; error?: StripeApiError } {
    const auth = req.headers.authorization ?? '';
    let key: string | null = null;
    if (/^Bearer /i.test(auth)) key = auth.slice(7).trim();
    else if (/^Basic /i.test(auth)) key = Buffer.from(auth.slice(6), 'base64').toString('utf8').split(':')[0];
    else if (typeof params.key === 'string') key = params.key;
    if (!key)
      return {
        key,
        publishable: false,
        error: new StripeApiError(401, {
          type: 'invalid_request_error',
          message:
            "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
        }),
      };
    if (key === this.cfg.secretKey || key.startsWith('sk_test_') || key.startsWith('rk_test_')) return { key, publishable: false };
    if (key === this.cfg.publishableKey || key.startsWith('pk_test_')) return { key, publishable: true };
    const masked = key.length > 8 ? `${key.slice(0, 8)}${'*'.repeat(Math.max(0, key.length - 12))}${key.slice(-4)}` : key;
    return { key, publishable: false, error: new StripeApiError(401, { type: 'invalid_request_error', message: `Invalid API Key provided: ${masked}` }) };
  }

  async handle(req: http.IncomingMessage, res: http.ServerResponse, method: string, path: string, params: ParamObject, raw: string): Promise<void> {
    const requestId = `req_${this.core.secret(14)}`;
    const baseHeaders: Record<string, string> = { 'Request-Id': requestId, 'Stripe-Version': String(req.headers['stripe-version'] ?? API_VERSION) };
    const fail = (e: StripeApiError, extra: Record<string, string> = {}) => {
      this.cfg.logger(`${method} ${path} → ${e.status} ${e.body.code ?? e.body.type}: ${e.body.message}`);
      sendJson(res, e.status, { error: { ...e.body, request_log_url: `https://dashboard.stripe.com/test/logs/${requestId}` } }, { ...baseHeaders, ...extra });
    };
    const auth = this.authenticate(req, params);
    if (auth.error) return fail(auth.error);
    delete params.key;

    const route = this.routes.find((r) => r.method === method && r.re.test(path));
    if (!route)
      return fail(
        new StripeApiError(404, {
          type: 'invalid_request_error',
          message: `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
        }),
      );
    if (auth.publishable && !route.publishable)
      return fail(
        new StripeApiError(401, {
          type: 'invalid_request_error',
          message:
            'This API call cannot be made with a publishable API key. Please use a secret API key. You can find a list of your API keys at https://dashboard.stripe.com/account/apikeys.',
        }),
      );

    const acctHeader = req.headers['stripe-account'];
    const stripeAccount = typeof acctHeader === 'string' && acctHeader ? acctHeader : null;
    if (stripeAccount && !this.st.accountExists(stripeAccount))
      return fail(
        new StripeApiError(403, {
          type: 'invalid_request_error',
          code: 'account_invalid',
          message: `The provided key '${auth.key!.slice(0, 12)}***' does not have access to account '${stripeAccount}' (or that account does not exist). Application access may have been revoked.`,
        }),
      );
    const account = stripeAccount ?? this.core.platform;
    const idemHeader = req.headers['idempotency-key'];
    const idemKey = method === 'POST' && typeof idemHeader === 'string' && idemHeader ? idemHeader : null;
    const ctx: RequestContext = { account, connect: account !== this.core.platform, requestId, idempotencyKey: idemKey, publishable: auth.publishable };

    const m = route.re.exec(path)!;
    const pathParams: Record<string, string> = {};
    route.keys.forEach((k, i) => (pathParams[k] = decodeURIComponent(m[i + 1])));

    let idemRec: IdemRecord | undefined;
    const fingerprint = `${method} ${path} ${canonical(params)}`;
    if (idemKey) {
      if (idemKey.length > 255) return fail(invalid('Idempotency-Key must be at most 255 characters long.', undefined, 'idempotency_key_too_long' as string));
      const found = this.idem.lookup(account, idemKey, fingerprint);
      if (found.kind === 'error') return fail(found.error, found.headers);
      if (found.kind === 'replay') {
        const prev = found.rec;
        this.cfg.logger(`${method} ${path} → ${prev.status} (idempotent replay)`);
        return send(res, prev.status, prev.body, {
          'Content-Type': 'application/json',
          'Request-Id': prev.requestId,
          'Stripe-Version': baseHeaders['Stripe-Version'],
          'Idempotency-Key': idemKey,
          'Idempotent-Replayed': 'true',
        });
      }
    }
    // parameters are checked before the endpoint runs; a request failing here saves no idempotent result
    const schema = schemaFor(route.method, route.pattern);
    try {
      validateParams(schema ?? {}, params);
    } catch (e) {
      if (e instanceof StripeApiError) return fail(e, idemKey ? { 'Idempotency-Key': idemKey } : {});
      throw e;
    }
    if (idemKey) idemRec = this.idem.begin(account, idemKey, fingerprint, requestId);

    let status = 200;
    let body: string;
    try {
      const { expand, ...rest } = params;
      void raw;
      const r: ApiRequest = { st: this.st, ctx, params: rest, path: pathParams };
      const result = route.handler(r);
      const expandPaths = expand === undefined ? [] : (arr({ expand }, 'expand') ?? []).filter((x): x is string => typeof x === 'string');
      const out = this.expand(snapshot(result), expandPaths, account);
      body = JSON.stringify(out, null, 2);
    } catch (e) {
      if (!(e instanceof StripeApiError)) this.cfg.logger(`${method} ${path} crashed: ${(e as Error).stack ?? String(e)}`);
      const err = e instanceof StripeApiError ? e : new StripeApiError(500, { type: 'api_error', message: `Emulator error: ${(e as Error).message}` });
      status = err.status;
      body = JSON.stringify({ error: { ...err.body, request_log_url: `https://dashboard.stripe.com/test/logs/${requestId}` } }, null, 2);
      this.cfg.logger(`${method} ${path} → ${status} ${err.body.code ?? err.body.type}: ${err.body.message}`);
    }
    if (status === 200) this.cfg.logger(`${method} ${path}${ctx.connect ? ` [${account}]` : ''} → 200`);
    if (idemRec) this.idem.finish(idemRec, status, body);
    send(res, status, body, { 'Content-Type': 'application/json', ...baseHeaders, ...(idemKey ? { 'Idempotency-Key': idemKey } : {}) });
  }

  /** `expand[]`: replace ids by objects along dotted paths; `data.` walks list items. */
  private expand(obj: unknown, paths: string[], account: string): unknown {
    for (const p of paths) {
      if (p.split('.').length > 4) throw invalid(`You cannot expand more than 4 levels of a property. Property: ${p}`, 'expand');
      this.expandOne(obj, p.split('.'), p, account);
    }
    return obj;
  }

  /**
   * Properties Stripe leaves out of an object unless asked for with `expand[]` (its "includable" fields): since API
   * version 2022-11-15 a charge carries no `refunds` list unless `expand[]=refunds`.
   */
  private includable(rec: Record<string, unknown>, head: string, account: string): unknown {
    if (rec.object === 'charge' && head === 'refunds' && typeof rec.id === 'string') {
      const id = rec.id;
      return snapshot(
        listOf(
          this.st.refunds.list(account, (x) => x.charge === id),
          {},
          `/v1/charges/${id}/refunds`,
        ),
      );
    }
    return undefined;
  }

  private expandOne(o: unknown, parts: string[], full: string, account: string): void {
    if (o === null || typeof o !== 'object') return;
    if (Array.isArray(o)) {
      for (const x of o) this.expandOne(x, parts, full, account);
      return;
    }
    const rec = o as Record<string, unknown>;
    const [head, ...rest] = parts;
    const included = head in rec ? undefined : this.includable(rec, head, account);
    if (included !== undefined) rec[head] = included;
    else if (!(head in rec)) {
      if (rec.object === 'list' && head !== 'data')
        throw invalid(`This property cannot be expanded (${full}). You may want to try expanding 'data.${full}' instead.`, 'expand');
      throw invalid(`This property cannot be expanded (${full}).`, 'expand');
    }
    let v = rec[head];
    if (typeof v === 'string' && rec.object !== 'list') {
      const found = this.core.lookup(v);
      if (found) {
        v = snapshot(found);
        rec[head] = v;
      }
    }
    if (rest.length) this.expandOne(v, rest, full, account);
  }
}
