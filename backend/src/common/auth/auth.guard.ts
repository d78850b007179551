import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { forbidden, unauthorized } from '../errors/app-error';
import type { Role } from './auth.types';
import { IS_PUBLIC, ROLES_KEY } from './decorators';
import { SessionRefusal, SessionService } from './session.service';

const REFUSALS: Record<SessionRefusal, [code: string, message: string]> = {
  INVALID_TOKEN: ['UNAUTHORIZED', 'Invalid or expired token'],
  TOKEN_REVOKED: ['TOKEN_REVOKED', 'This token was signed out; sign in again'],
  USER_GONE: ['UNAUTHORIZED', 'This account no longer exists'],
  ROLE_CHANGED: ['SESSION_STALE', 'Your account changed since you signed in; sign in again'],
};

/**
 * Global guard: every route needs a valid Bearer token unless marked @Public(); @Roles() narrows by role. The
 * token's user and role are re-checked against the database (SessionService) on every request.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly sessions: SessionService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return true;
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const req = ctx.switchToHttp().getRequest();
    const header: string | undefined = req.headers?.authorization;
    const match = header?.match(/^Bearer\s+(\S+)$/i);
    if (!match) throw unauthorized('UNAUTHORIZED', 'Missing bearer token');
    const session = await this.sessions.check(match[1]);
    if (!session.ok) throw unauthorized(...REFUSALS[session.reason]);
    req.user = session.user;
    req.token = session.token;
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (roles && !roles.includes(session.user.role)) throw forbidden('FORBIDDEN_ROLE', `This action needs role ${roles.join(' or ')}`);
    return true;
  }
}
