import { CallHandler, ExecutionContext, Injectable, Logger, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { Observable, tap } from 'rxjs';
import type { AuthUser } from '../../common/auth/auth.types';
import { toErrorBody } from '../../common/errors/http-exception.filter';
import { AUDIT_KEY, auditDetails, deriveAction } from './audit';
import { AuditRepository } from './audit.repository';

/**
 * Every admin action lands in the audit log: any request by an admin that changes something (POST, PUT, PATCH,
 * DELETE), on any route, once it has an answer — done or refused, with its status and error code. One place for
 * every controller, present and future (webhook replay, reconciliation, job runs, dispute resolution, clawback,
 * refunds and dispute messages by an admin). Writing the entry never changes the answer.
 */
@Injectable()
export class AdminAuditInterceptor implements NestInterceptor {
  private readonly logger = new Logger('AdminAudit');

  constructor(
    private readonly reflector: Reflector,
    private readonly repo: AuditRepository,
  ) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (ctx.getType() !== 'http') return next.handle();
    const req = ctx.switchToHttp().getRequest<Request & { user?: AuthUser }>();
    if (req.user?.role !== 'admin' || !['POST', 'PUT', 'PATCH', 'DELETE'].includes(req.method)) return next.handle();
    const named = this.reflector.getAllAndOverride<{ action: string; targetType: string } | undefined>(AUDIT_KEY, [ctx.getHandler(), ctx.getClass()]);
    const { action, targetType } = named ?? deriveAction(req.method, req.route?.path ?? req.path);
    const record = (status: number, code?: string) =>
      this.repo
        .insert({
          actorId: req.user!.id,
          action,
          targetType,
          targetId: typeof req.params?.id === 'string' ? req.params.id : null,
          details: { method: req.method, path: req.originalUrl.split('?')[0], status, ...(code ? { code } : {}), body: auditDetails(req.body) },
        })
        .catch((e) => this.logger.error(`could not write the audit entry for ${action} by ${req.user!.id}: ${(e as Error).message}`));
    return next.handle().pipe(
      tap({
        next: () => void record(ctx.switchToHttp().getResponse<Response>().statusCode),
        error: (e: unknown) => {
          const err = toErrorBody(e);
          void record(err.statusCode, err.code);
        },
      }),
    );
  }
}
