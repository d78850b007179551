import { getQueueToken } from '@nestjs/bull';
import { Inject, Logger, Module, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost, ModuleRef } from '@nestjs/core';
import { createBullBoard } from '@bull-board/api';
import { BullAdapter } from '@bull-board/api/bullAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bull';
import type { NextFunction, Request, Response } from 'express';
import { STATUS_CODES } from 'node:http';
import { TokenService } from '../../common/auth/token.service';
import { QUEUES } from '../../common/queue/queue.module';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/env.schema';

export const QUEUE_DASHBOARD_PATH = '/admin/queues';
export const QUEUE_DASHBOARD_COOKIE = 'collabpay_queues_token';

function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) {
      try {
        return decodeURIComponent(part.slice(i + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/**
 * Admins only. The SPA cannot send a Bearer header on a navigation, so the token may also come as `?token=`:
 * it is then moved into an HttpOnly cookie scoped to the dashboard and the browser is redirected to the same
 * URL without it (so the token does not stay in the address bar or history).
 */
export function queueDashboardAuth(tokens: TokenService, cfg: Pick<AppConfig, 'publicUrl' | 'jwtExpiresIn'>) {
  const fail = (res: Response, status: 401 | 403, code: string, message: string) => {
    res.status(status).json({ statusCode: status, error: STATUS_CODES[status], code, message });
  };
  return (req: Request, res: Response, next: NextFunction) => {
    const bearer = req.headers.authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
    const query = typeof req.query?.token === 'string' ? req.query.token : undefined;
    const cookie = readCookie(req.headers.cookie, QUEUE_DASHBOARD_COOKIE);
    const token = bearer ?? query ?? cookie;
    if (!token) return fail(res, 401, 'UNAUTHORIZED', 'Sign in as an admin (Bearer token or ?token=)');
    const user = tokens.verify(token);
    if (!user) return fail(res, 401, 'UNAUTHORIZED', 'Invalid or expired token');
    if (user.role !== 'admin') return fail(res, 403, 'FORBIDDEN_ROLE', 'This page needs role admin');
    if (query && !bearer) {
      const secure = cfg.publicUrl.startsWith('https:') ? '; Secure' : '';
      const maxAge = Math.max(1, Math.floor((user.expiresAt - Date.now()) / 1000));
      res.setHeader(
        'Set-Cookie',
        `${QUEUE_DASHBOARD_COOKIE}=${encodeURIComponent(query)}; Path=${QUEUE_DASHBOARD_PATH}; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${secure}`,
      );
      if (req.method === 'GET') {
        const url = new URL(req.originalUrl, 'http://x');
        url.searchParams.delete('token');
        return res.redirect(302, url.pathname + url.search);
      }
    }
    next();
  };
}

/** The Bull dashboard (@bull-board) at /admin/queues on HTTP instances, for admins. Worker processes skip it. */
@Module({})
export class QueueDashboardModule implements OnModuleInit {
  private readonly logger = new Logger('QueueDashboard');

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly moduleRef: ModuleRef,
    private readonly tokens: TokenService,
    @Inject(APP_CONFIG) private readonly cfg: AppConfig,
  ) {}

  onModuleInit(): void {
    const http = this.adapterHost?.httpAdapter;
    if (!http || typeof http.getInstance !== 'function') return; // application context (npm run worker)
    const queues = Object.values(QUEUES)
      .map((name) => this.moduleRef.get<Queue>(getQueueToken(name), { strict: false }))
      .filter(Boolean);
    const serverAdapter = new ExpressAdapter();
    serverAdapter.setBasePath(QUEUE_DASHBOARD_PATH);
    // @bull-board/express pins its own copy of @bull-board/api (same shapes, separate declarations)
    createBullBoard({
      queues: queues.map((q) => new BullAdapter(q)),
      serverAdapter: serverAdapter as unknown as Parameters<typeof createBullBoard>[0]['serverAdapter'],
      options: { uiConfig: { boardTitle: 'CollabPay queues' } },
    });
    http.getInstance().use(QUEUE_DASHBOARD_PATH, queueDashboardAuth(this.tokens, this.cfg), serverAdapter.getRouter());
    this.logger.log(`queue dashboard at ${QUEUE_DASHBOARD_PATH} (admins only)`);
  }
}
