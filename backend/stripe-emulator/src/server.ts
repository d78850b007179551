import http from 'node:http';
import { handleControl } from './control/control';
import { Core } from './core';
import { EventBus } from './events';
import { FaultInjector } from './faults';
import { handleHostedPage } from './hosted/routes';
import { ApiHandler, ServerConfig } from './http/api';
import { readBody, send, sendJson } from './http/respond';
import { fromJson, ParamObject, parseForm } from './params';
import { State } from './state';
import { stripeJsAsset } from './stripe-js';
import { sendStaticAsset } from './http/static-asset';

export class EmulatorServer {
  private readonly api: ApiHandler;
  readonly faults = new FaultInjector();

  constructor(
    readonly core: Core,
    readonly bus: EventBus,
    readonly st: State,
    private readonly cfg: ServerConfig,
  ) {
    this.api = new ApiHandler(core, st, cfg);
  }

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
      // like js.stripe.com: compressed, cacheable for a few minutes, revalidated by ETag
      return sendStaticAsset(req, res, stripeJsAsset(), 'application/javascript; charset=utf-8', 'public, max-age=300');
    }
    if (path.startsWith('/v1/')) return this.api.handle(req, res, method, path, params, raw);
    if (path.startsWith('/_emulator/')) return handleControl(this, res, method, path.slice('/_emulator/'.length), params);
    return handleHostedPage(this, res, method, path, params);
  }
}
