import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { forbidden, unauthorized } from '../errors/app-error';
import type { Role } from './auth.types';
import { IS_PUBLIC, ROLES_KEY } from './decorators';
import { TokenService } from './token.service';

/** Global guard: every route needs a valid Bearer token unless marked @Public(); @Roles() narrows by role. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
  ) {}

  canActivate(ctx: ExecutionContext): boolean {
    if (ctx.getType() !== 'http') return true;
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const req = ctx.switchToHttp().getRequest();
    const header: string | undefined = req.headers?.authorization;
    const match = header?.match(/^Bearer\s+(\S+)$/i);
    const user = this.tokens.verify(match?.[1]);
    if (!user) throw unauthorized('UNAUTHORIZED', match ? 'Invalid or expired token' : 'Missing bearer token');
    req.user = { id: user.id, email: user.email, role: user.role };
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (roles && !roles.includes(user.role)) throw forbidden('FORBIDDEN_ROLE', `This action needs role ${roles.join(' or ')}`);
    return true;
  }
}
