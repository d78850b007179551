import { getQueueToken } from '@nestjs/bull';
import { Inject, Logger, Module, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost, ModuleRef } from '@nestjs/core';
import { createBullBoard } from '@bull-board/api';
import { BullAdapter } from '@bull-board/api/bullAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bull';
import type { NextFunction, Request, Response } from 'express';
import { STATUS_CODES } from 'node:http';
import { SessionCheck, SessionService } from '../../common/auth/session.service';
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
export function queueDashboardAuth(sessions: SessionService, cfg: Pick<AppConfig, 'publicUrl' | 'jwtExpiresIn'>) {
  const fail = (res: Response, status: 401 | 403, code: string, message: string) => {
    res.status(status).json({ statusCode: status, error: STATUS_CODES[status], code, message });
  };
  return async (req: Request, res: Response, next: NextFunction) => {
    const bearer = req.headers.authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
    const query = typeof req.query?.token === 'string' ? req.query.token : undefined;
    const cookie = readCookie(req.headers.cookie, QUEUE_DASHBOARD_COOKIE);
    const token = bearer ?? query ?? cookie;
    if (!token) return fail(res, 401, 'UNAUTHORIZED', 'Sign in as an admin (Bearer token or ?token=)');
    let session: SessionCheck;
    try {
      session = await sessions.check(token); // signature, exp, and the user, role and revocation in the database
    } catch {
      return res.status(503).json({ statusCode: 503, error: STATUS_CODES[503], code: 'SERVICE_UNAVAILABLE', message: 'Cannot check the session now' });
    }
    if (!session.ok) return fail(res, 401, session.reason === 'TOKEN_REVOKED' ? 'TOKEN_REVOKED' : 'UNAUTHORIZED', 'Invalid, expired or revoked token');
    const user = { ...session.user, expiresAt: session.token.expiresAt };
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
    private readonly sessions: SessionService,
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
    http.getInstance().use(QUEUE_DASHBOARD_PATH, queueDashboardAuth(this.sessions, this.cfg), serverAdapter.getRouter());
    this.logger.log(`queue dashboard at ${QUEUE_DASHBOARD_PATH} (admins only)`);
  }
}
