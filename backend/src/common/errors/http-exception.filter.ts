import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { STATUS_CODES } from 'node:http';
import { AppError } from './app-error';
import { isDatabaseUnavailable, isDependencyUnavailable } from './dependency-errors';

const DEFAULT_CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE_ENTITY',
  429: 'RATE_LIMITED',
  502: 'BAD_GATEWAY',
  503: 'SERVICE_UNAVAILABLE',
};

interface ErrorBody {
  statusCode: number;
  error: string;
  code: string;
  message: string;
  [k: string]: unknown;
}

/** Turns every thrown error into `{statusCode, error, code, message}`; never leaks internals for 5xx. */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const res = ctx.getResponse<Response>();
    const req = ctx.getRequest<Request>();
    const body = toErrorBody(exception);
    if (body.code === 'SERVICE_UNAVAILABLE') {
      this.logger.warn(`${req.method} ${req.path} answered 503: ${(exception as Error)?.message ?? String(exception)}`);
    } else if (body.statusCode >= 500) {
      this.logger.error(`${req.method} ${req.path} failed: ${(exception as Error)?.stack ?? String(exception)}`);
    }
    if (res.headersSent) return;
    res.status(body.statusCode).json(body);
  }
}

export function toErrorBody(exception: unknown): ErrorBody {
  if (exception instanceof AppError) {
    const status = exception.getStatus();
    const resp = exception.getResponse() as Record<string, unknown>;
    return { statusCode: status, error: STATUS_CODES[status] ?? 'Error', ...resp, code: exception.code, message: String(resp.message) };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const resp = exception.getResponse();
    let message = exception.message;
    let code = DEFAULT_CODES[status] ?? (status >= 500 ? 'INTERNAL_ERROR' : 'ERROR');
    const extra: Record<string, unknown> = {};
    if (typeof resp === 'object' && resp) {
      const r = resp as Record<string, unknown>;
      if (Array.isArray(r.message)) {
        // class-validator messages from the ValidationPipe
        code = 'VALIDATION_FAILED';
        extra.errors = r.message;
        message = (r.message as string[]).join('; ');
      } else if (typeof r.message === 'string') {
        message = r.message;
      }
      if (typeof r.code === 'string') code = r.code;
    }
    const cause = exception.cause as { type?: string } | undefined;
    if (cause instanceof SyntaxError || cause?.type === 'entity.parse.failed') {
      code = 'INVALID_JSON';
      message = 'Request body is not valid JSON';
    } else if (cause?.type === 'entity.too.large') code = 'PAYLOAD_TOO_LARGE';
    else if (cause instanceof URIError) code = 'INVALID_URI';
    if (status === 404 && /^Cannot (GET|POST|PUT|PATCH|DELETE)/.test(message)) message = 'Route not found';
    return { statusCode: status, error: STATUS_CODES[status] ?? 'Error', code, message, ...extra };
  }
  const e = exception as { type?: string; status?: number; statusCode?: number; expose?: boolean; message?: string };
  // body-parser errors (malformed JSON, too large, bad encoding)
  if (e && typeof e === 'object' && e.expose && typeof (e.status ?? e.statusCode) === 'number') {
    const status = (e.status ?? e.statusCode) as number;
    const code =
      e.type === 'entity.parse.failed' ? 'INVALID_JSON' : e.type === 'entity.too.large' ? 'PAYLOAD_TOO_LARGE' : (DEFAULT_CODES[status] ?? 'BAD_REQUEST');
    const message = e.type === 'entity.parse.failed' ? 'Request body is not valid JSON' : (e.message ?? 'Bad request');
    return { statusCode: status, error: STATUS_CODES[status] ?? 'Error', code, message };
  }
  // PostgreSQL or Redis unreachable (refused, terminated, pool timeout, shutting down): a temporary condition
  if (isDependencyUnavailable(exception)) {
    const what = isDatabaseUnavailable(exception) ? 'The database' : 'A backing service';
    return {
      statusCode: HttpStatus.SERVICE_UNAVAILABLE,
      error: STATUS_CODES[503]!,
      code: 'SERVICE_UNAVAILABLE',
      message: `${what} is temporarily unavailable; try again shortly`,
    };
  }
  return { statusCode: HttpStatus.INTERNAL_SERVER_ERROR, error: 'Internal Server Error', code: 'INTERNAL_ERROR', message: 'Something went wrong on our side' };
}
