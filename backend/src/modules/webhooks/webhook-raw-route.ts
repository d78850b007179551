import { Logger } from '@nestjs/common';
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import { toErrorBody } from '../../common/errors/http-exception.filter';
import { WebhookIngestService } from './webhook-ingest.service';
import { NOT_JSON, parseJson } from './webhook-signature';

export const WEBHOOK_PATH = '/api/payments/webhook';
/** The same limit as the JSON body parser of the Nest pipeline (app.factory.ts). */
export const WEBHOOK_BODY_LIMIT = 256 * 1024;

const logger = new Logger('Http');

/**
 * The ordinary Stripe delivery (`POST /api/payments/webhook`, Content-Type application/json, UTF-8, no
 * Content-Encoding) takes this handler, ahead of Express and the whole Nest pipeline (compression, helmet, body
 * parsers, guards, pipes, interceptors): it reads the raw body once, parses it once, verifies it with one HMAC
 * and hands it to the ingest service's group commit. Same answers and error codes as the Nest route
 * (WebhooksController), which still serves (and documents) the rest: another media type, charset or encoding
 * goes on to it untouched.
 */
export function leanWebhookHandler(ingest: WebhookIngestService, limit = WEBHOOK_BODY_LIMIT) {
  return function handle(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.method !== 'POST' || !isWebhookUrl(req.url) || !plainJson(req)) return false;
    const declared = Number(req.headers['content-length']);
    if (declared > limit) {
      tooLarge(req, res);
      return true;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on('data', (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > limit) {
        refused = true;
        tooLarge(req, res);
      } else chunks.push(chunk);
    });
    req.on('error', () => undefined); // a client that went away: nothing to answer
    req.on('end', () => {
      if (refused) return;
      const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
      // the body parser's answer to a body that is not JSON (or not an object or array), before the signature
      const parsed = size ? parseJson(body) : undefined;
      if (parsed === NOT_JSON || (parsed !== undefined && (parsed === null || typeof parsed !== 'object'))) {
        send(res, 400, { statusCode: 400, error: 'Bad Request', code: 'INVALID_JSON', message: 'Request body is not valid JSON' });
        return;
      }
      const signature = req.headersDistinct['stripe-signature'];
      ingest.ingest(body, signature, parsed).then(
        (r) => send(res, 200, { received: r.received, eventType: r.eventType, duplicate: !r.stored }),
        (e: unknown) => fail(req, res, e),
      );
    });
    return true;
  };
}

/** Puts the lean handler in front of the server's request listener (Express, then socket.io wraps both). */
export function mountLeanWebhookRoute(server: Server, ingest: WebhookIngestService): void {
  const handle = leanWebhookHandler(ingest);
  const rest = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (!handle(req, res)) for (const l of rest) l(req, res);
  });
}

function isWebhookUrl(url: string | undefined): boolean {
  return url === WEBHOOK_PATH || (!!url && url.startsWith(WEBHOOK_PATH) && url.charCodeAt(WEBHOOK_PATH.length) === 63); /* ? */
}

/** application/json, UTF-8 (or no charset), not compressed: the shape Stripe sends. */
function plainJson(req: IncomingMessage): boolean {
  const encoding = req.headers['content-encoding'];
  if (encoding && encoding.toLowerCase() !== 'identity') return false;
  const type = req.headers['content-type'];
  if (!type) return false;
  const [media, ...params] = type.split(';');
  if (media.trim().toLowerCase() !== 'application/json') return false;
  return params.every((p) => {
    const [k, v = ''] = p.split('=');
    return k.trim().toLowerCase() !== 'charset' || /^"?utf-8"?$/i.test(v.trim());
  });
}

function send(res: ServerResponse, status: number, body: unknown, close = false): void {
  if (res.headersSent || res.destroyed) return;
  const json = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(json),
    'X-Content-Type-Options': 'nosniff',
    ...(close ? { Connection: 'close' } : {}),
  });
  res.end(json);
}

function tooLarge(req: IncomingMessage, res: ServerResponse): void {
  send(res, 413, { statusCode: 413, error: 'Payload Too Large', code: 'PAYLOAD_TOO_LARGE', message: 'request entity too large' }, true);
  req.resume();
}

/** As HttpExceptionFilter: the contract's error JSON, a warning for 503, the stack for other 5xx. */
function fail(req: IncomingMessage, res: ServerResponse, e: unknown): void {
  const body = toErrorBody(e);
  if (body.code === 'SERVICE_UNAVAILABLE') logger.warn(`${req.method} ${WEBHOOK_PATH} answered 503: ${(e as Error)?.message ?? String(e)}`);
  else if (body.statusCode >= 500) logger.error(`${req.method} ${WEBHOOK_PATH} failed: ${(e as Error)?.stack ?? String(e)}`);
  send(res, body.statusCode, body);
}
