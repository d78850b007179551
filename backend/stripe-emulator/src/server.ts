import http from 'node:http';
import type Stripe from 'stripe';
import { completeOnboarding, getAccount } from './connect';
import { API_VERSION, arr, Core, RequestContext, snapshot, str } from './core';
import { invalid, StripeApiError } from './errors';
import { FaultInjector } from './faults';
import { EndpointScope, EventBus } from './events';
import { invoicePdf, payInvoice } from './billing';
import { moneyControl } from './control-money';
import { expressPage } from './express';
import { invoicePage, messagePage, onboardingPage, threeDsPage } from './pages';
import { canonical, fromJson, ParamObject, parseForm } from './params';
import { closeDispute, completeAuthentication, confirmSetupIntent, createDispute, createPaymentMethodFromParams } from './payments';
import { IdempotencyStore, IdemRecord } from './idempotency';
import { ApiRequest, buildRoutes, Route } from './routes';
import { schemaFor, validateParams } from './schemas';
import { State } from './state';
import { stripeJsSource } from './stripe-js';
import { advanceSubscription } from './subscriptions';

export interface ServerConfig {
  secretKey: string;
  publishableKey: string;
  logger: (msg: string) => void;
}

const CORS_HEADERS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, POST, DELETE, OPTIONS',
  'Access-Control-Allow-Headers': 'Authorization, Content-Type, Stripe-Account, Stripe-Version, Idempotency-Key, X-Stripe-Client-User-Agent, Stripe-Context',
  'Access-Control-Expose-Headers': 'Request-Id, Stripe-Version, Idempotency-Key, Idempotent-Replayed, Stripe-Should-Retry',
  'Access-Control-Max-Age': '300',
};

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: http.ServerResponse, status: number, body: string | Buffer, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...CORS_HEADERS, ...headers });
  res.end(body);
}
function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  send(res, status, JSON.stringify(body, null, 2), { 'Content-Type': 'application/json', ...headers });
}
function redirect(res: http.ServerResponse, location: string): void {
  send(res, 302, '', { Location: location });
}
function html(res: http.ServerResponse, status: number, page: string): void {
  send(res, status, page, { 'Content-Type': 'text/html; charset=utf-8' });
}

function withParams(url: string, params: Record<string, string>): string {
  const u = new URL(url);
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return u.toString();
}

export class EmulatorServer {
  private readonly routes: Route[] = buildRoutes();
  private readonly idem = new IdempotencyStore(() => this.core.nowMs());
  readonly faults = new FaultInjector();

  constructor(
    readonly core: Core,
    readonly bus: EventBus,
    readonly st: State,
    private readonly cfg: ServerConfig,
  ) {}

  handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    this.handle(req, res).catch((e: unknown) => {
      this.cfg.logger(`internal error: ${(e as Error).stack ?? String(e)}`);
      if (!res.headersSent) sendJson(res, 500, { error: { type: 'api_error', message: 'An unknown error occurred in the emulator.' } });
    });
  };

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator.local');
    const method = (req.method ?? 'GET').toUpperCase();
    if (method === 'OPTIONS') return send(res, 204, '');
    const path = url.pathname;
    const raw = method === 'GET' || method === 'DELETE' ? '' : await readBody(req);
    const isJson = (req.headers['content-type'] ?? '').includes('application/json');
    let params: ParamObject;
    try {
      const query = parseForm(url.search.slice(1));
      const body = isJson && raw ? (fromJson(JSON.parse(raw)) as ParamObject) : parseForm(raw);
      params = { ...query, ...body };
    } catch {
      return sendJson(res, 400, { error: { type: 'invalid_request_error', message: 'Invalid request body.' } });
    }

    if (await this.faults.intercept(req, res, method, path, params)) return;
    if (path === '/js/v3/stripe.js' || path === '/v3' || path === '/v3/') {
      return send(res, 200, stripeJsSource(), { 'Content-Type': 'application/javascript; charset=utf-8', 'Cache-Control': 'no-store' });
    }
    if (path.startsWith('/v1/')) return this.api(req, res, method, path, params, raw);
    if (path.startsWith('/_emulator/')) return this.control(res, method, path.slice('/_emulator/'.length), params);
    return this.pages(res, method, path, params);
  }

  // ------------------------------------------------------------------ API
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

  private async api(req: http.IncomingMessage, res: http.ServerResponse, method: string, path: string, params: ParamObject, raw: string): Promise<void> {
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
      const out = this.expand(snapshot(result), expandPaths);
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
  private expand(obj: unknown, paths: string[]): unknown {
    for (const p of paths) {
      if (p.split('.').length > 4) throw invalid(`You cannot expand more than 4 levels of a property. Property: ${p}`, 'expand');
      this.expandOne(obj, p.split('.'), p);
    }
    return obj;
  }
  private expandOne(o: unknown, parts: string[], full: string): void {
    if (o === null || typeof o !== 'object') return;
    if (Array.isArray(o)) {
      for (const x of o) this.expandOne(x, parts, full);
      return;
    }
    const rec = o as Record<string, unknown>;
    const [head, ...rest] = parts;
    if (!(head in rec)) {
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
    if (rest.length) this.expandOne(v, rest, full);
  }

  // ------------------------------------------------------------------ control
  private async control(res: http.ServerResponse, method: string, path: string, p: ParamObject): Promise<void> {
    const ok = (body: unknown = { ok: true }) => sendJson(res, 200, body);
    try {
      const money = moneyControl(this.st, method, path, p);
      if (money !== undefined) return ok(money);
      if (method === 'GET' && path === 'health') return ok({ ok: true, url: this.core.opts.publicUrl });
      if (method !== 'POST')
        return sendJson(res, 404, { error: { type: 'invalid_request_error', message: `Unknown control endpoint ${method} /_emulator/${path}` } });
      if (path === 'advance') {
        const ms = p.ms !== undefined && p.ms !== '' ? Number(str(p, 'ms')) : undefined;
        this.core.advance(ms);
        return ok({ ok: true, clock: this.core.now() });
      }
      if (path === 'chaos') {
        if (p.duplicate !== undefined) this.bus.chaos.duplicate = str(p, 'duplicate') === 'true';
        if (p.reorder !== undefined) this.bus.chaos.reorder = str(p, 'reorder') === 'true';
        return ok({ ok: true, chaos: this.bus.chaos });
      }
      if (path === 'pause-delivery') {
        this.bus.paused = str(p, 'paused') !== 'false';
        return ok({ ok: true, paused: this.bus.paused });
      }
      if (path === 'flush') {
        await this.bus.flush();
        return ok();
      }
      if (path === 'webhook_endpoints') {
        const url = str(p, 'url');
        if (!url) throw invalid('Missing required param: url.', 'url');
        const c = str(p, 'connect');
        const scope: EndpointScope = c === 'true' ? 'connect' : c === 'false' ? 'platform' : 'both';
        return ok(this.bus.addEndpoint({ url, secret: str(p, 'secret'), scope }));
      }
      let m: RegExpExecArray | null;
      if ((m = /^charges\/([^/]+)\/dispute$/.exec(path))) {
        const account = this.st.charges.accountOf(m[1]);
        const ch = account ? this.st.charges.get(m[1], account) : undefined;
        if (!ch || !account) throw invalid(`No such charge: '${m[1]}'`, 'charge', 'resource_missing');
        return ok(createDispute(this.st, account, ch, str(p, 'reason') ?? 'fraudulent', null));
      }
      if ((m = /^disputes\/([^/]+)\/close$/.exec(path))) {
        const account = this.st.disputes.accountOf(m[1]);
        if (!account) throw invalid(`No such dispute: '${m[1]}'`, 'dispute', 'resource_missing');
        const status = str(p, 'status') === 'won' ? 'won' : 'lost';
        return ok(closeDispute(this.st, account, this.st.disputes.get(m[1], account), status, null));
      }
      if ((m = /^(payment_intents|setup_intents)\/([^/]+)\/authenticate$/.exec(path))) {
        return ok(this.authenticateIntent(m[2], str(p, 'outcome') !== 'fail', str(p, 'client_secret')));
      }
      if ((m = /^accounts\/([^/]+)\/complete_onboarding$/.exec(path))) {
        const acct = getAccount(this.st, m[1]);
        return ok(completeOnboarding(this.st, acct, { accountNumber: str(p, 'account_number') }, null));
      }
      if ((m = /^subscriptions\/([^/]+)\/advance_period$/.exec(path))) {
        const account = this.st.subscriptions.accountOf(m[1]);
        if (!account) throw invalid(`No such subscription: '${m[1]}'`, 'subscription', 'resource_missing');
        return ok(advanceSubscription(this.st, account, this.st.subscriptions.get(m[1], account)));
      }
      if ((m = /^balance\/([^/]+)\/add$/.exec(path))) {
        // test helper: fund an account's available balance (like the 4000000000000077 card)
        const account = m[1] === 'platform' ? this.core.platform : m[1];
        const amount = Number(str(p, 'amount'));
        if (!Number.isSafeInteger(amount)) throw invalid('amount must be an integer', 'amount');
        return ok(
          this.st.addBalanceTransaction(account, {
            amount,
            currency: str(p, 'currency') ?? 'usd',
            type: 'adjustment',
            reportingCategory: 'other_adjustment',
            source: 'emulator_topup',
          }),
        );
      }
      return sendJson(res, 404, { error: { type: 'invalid_request_error', message: `Unknown control endpoint POST /_emulator/${path}` } });
    } catch (e) {
      if (e instanceof StripeApiError) return sendJson(res, e.status, { error: e.body });
      throw e;
    }
  }

  /** Outcome of the simulated 3-D Secure challenge for a PaymentIntent or SetupIntent. */
  authenticateIntent(id: string, success: boolean, clientSecret?: string): Stripe.PaymentIntent | Stripe.SetupIntent {
    if (id.startsWith('seti_')) {
      const account = this.st.setupIntents.accountOf(id);
      if (!account) throw invalid(`No such setupintent: '${id}'`, 'id', 'resource_missing');
      const si = this.st.setupIntents.get(id, account);
      if (clientSecret !== undefined && clientSecret !== si.client_secret) throw invalid('The client_secret provided does not match.', 'client_secret');
      const ctx: RequestContext = { account, connect: account !== this.core.platform, requestId: null, idempotencyKey: null, publishable: false };
      if (si.status !== 'requires_action') return si;
      if (!success) {
        si.status = 'requires_payment_method';
        si.next_action = null;
        si.last_setup_error = {
          type: 'invalid_request_error',
          code: 'setup_intent_authentication_failure',
          message: 'We are unable to authenticate your payment method. Please choose a different payment method and try again.',
        };
        si.payment_method = null;
        this.st.emit('setup_intent.setup_failed', si, { account, ctx });
        return si;
      }
      si.status = 'requires_confirmation';
      return confirmSetupIntent(this.st, ctx, si, {}, true);
    }
    const account = this.st.paymentIntents.accountOf(id);
    if (!account) throw invalid(`No such payment_intent: '${id}'`, 'id', 'resource_missing');
    const pi = this.st.paymentIntents.get(id, account);
    if (clientSecret !== undefined && clientSecret !== pi.client_secret) throw invalid('The client_secret provided does not match.', 'client_secret');
    return completeAuthentication(this.st, null, account, pi, success);
  }

  // ------------------------------------------------------------------ hosted pages
  private pages(res: http.ServerResponse, method: string, path: string, p: ParamObject): void {
    let m: RegExpExecArray | null;
    if ((m = /^\/connect\/onboarding\/([^/]+)$/.exec(path))) {
      const link = this.st.accountLinks.get(m[1]);
      if (!link) return html(res, 404, messagePage('Link not found', 'This onboarding link does not exist.'));
      const expired = link.link.expires_at < this.core.now();
      if (method === 'GET') {
        if (expired || link.visited) return redirect(res, link.refreshUrl);
        link.visited = true;
        return html(res, 200, onboardingPage(m[1], getAccount(this.st, link.account)));
      }
      if (link.used || expired) return redirect(res, link.refreshUrl);
      link.used = true;
      const acct = getAccount(this.st, link.account);
      const email = str(p, 'email');
      if (email) acct.email = email;
      const name = [str(p, 'first_name'), str(p, 'last_name')].filter(Boolean).join(' ');
      completeOnboarding(this.st, acct, { accountNumber: str(p, 'account_number') ?? '000123456789', name: name || undefined }, null);
      return redirect(res, link.returnUrl);
    }
    if ((m = /^\/connect\/express\/([^/]+)$/.exec(path))) {
      const page = expressPage(this.st, m[1]);
      return html(res, page.status, page.html);
    }
    if ((m = /^\/3ds\/([^/]+)$/.exec(path))) {
      const id = m[1];
      const isSetup = id.startsWith('seti_');
      const account = isSetup ? this.st.setupIntents.accountOf(id) : this.st.paymentIntents.accountOf(id);
      if (!account) return html(res, 404, messagePage('Not found', 'Unknown payment.'));
      const intent = isSetup ? this.st.setupIntents.get(id, account) : this.st.paymentIntents.get(id, account);
      const secret = str(p, 'client_secret') ?? '';
      if (secret !== intent.client_secret) return html(res, 403, messagePage('Forbidden', 'Bad client secret.'));
      const returnUrl = intent.next_action?.redirect_to_url?.return_url ?? (isSetup ? null : (this.st.piPrivate.get(id)?.returnUrl ?? null));
      if (method === 'GET') {
        const pi = intent.object === 'payment_intent' ? intent : null;
        return html(res, 200, threeDsPage(id, secret, pi?.amount ?? null, pi?.currency ?? null));
      }
      try {
        this.authenticateIntent(id, str(p, 'outcome') === 'complete', secret);
      } catch (e) {
        if (!(e instanceof StripeApiError)) throw e;
      }
      const after = isSetup ? this.st.setupIntents.get(id, account) : this.st.paymentIntents.get(id, account);
      const ok = after.status === 'succeeded' || after.status === 'processing' || after.status === 'requires_capture';
      if (returnUrl) {
        const key = isSetup ? 'setup_intent' : 'payment_intent';
        return redirect(res, withParams(returnUrl, { [key]: id, [`${key}_client_secret`]: secret, redirect_status: ok ? 'succeeded' : 'failed' }));
      }
      return html(res, 200, messagePage(ok ? 'Authentication complete' : 'Authentication failed', `Status: ${after.status}. You can close this window.`));
    }
    if ((m = /^\/invoice\/([^/]+)(\/pdf|\/pay)?$/.exec(path))) {
      const invId = this.st.invoiceTokens.get(m[1]);
      const account = invId ? this.st.invoices.accountOf(invId) : undefined;
      if (!invId || !account) return html(res, 404, messagePage('Invoice not found', 'This invoice link is not valid.'));
      const inv = this.st.invoices.get(invId, account);
      if (m[2] === '/pdf')
        return send(res, 200, invoicePdf(inv), { 'Content-Type': 'application/pdf', 'Content-Disposition': `inline; filename="Invoice-${inv.number}.pdf"` });
      if (m[2] === '/pay' && method === 'POST') {
        const ctx: RequestContext = { account, connect: account !== this.core.platform, requestId: null, idempotencyKey: null, publishable: false };
        try {
          const [mm, yy] = (str(p, 'exp') ?? '').split('/').map((s) => s.trim());
          const pm = createPaymentMethodFromParams(this.st, ctx, {
            type: 'card',
            card: { number: str(p, 'card_number') ?? '', exp_month: mm ?? '', exp_year: yy ?? '', cvc: str(p, 'cvc') ?? '' },
          });
          payInvoice(this.st, ctx, account, inv, { payment_method: pm.id, off_session: 'false' });
          const pi = inv.payments?.data[0]?.payment.payment_intent;
          const intent = typeof pi === 'string' ? this.st.paymentIntents.find(pi) : undefined;
          if (intent?.status === 'requires_action') {
            const priv = this.st.piPrivate.get(intent.id);
            if (priv) priv.returnUrl = inv.hosted_invoice_url ?? null;
            return redirect(res, `/3ds/${intent.id}?client_secret=${encodeURIComponent(intent.client_secret ?? '')}`);
          }
        } catch (e) {
          if (!(e instanceof StripeApiError)) throw e;
          return html(res, 402, invoicePage(m[1], inv, e.body.message));
        }
        return redirect(res, `/invoice/${m[1]}`);
      }
      return html(res, 200, invoicePage(m[1], inv));
    }
    if ((m = /^\/receipts\/([^/]+)$/.exec(path))) return html(res, 200, messagePage('Receipt', `Receipt for ${m[1]} (test mode).`));
    if (path === '/' || path === '/health') return sendJson(res, 200, { ok: true, emulator: 'stripe', api_version: API_VERSION });
    return sendJson(res, 404, { error: { type: 'invalid_request_error', message: `Unrecognized request URL (${method}: ${path}).` } });
  }
}
