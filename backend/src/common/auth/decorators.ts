import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { AuthUser, Role, VerifiedToken } from './auth.types';

export const IS_PUBLIC = 'collabpay:public';
export const ROLES_KEY = 'collabpay:roles';

/** The route needs no token. */
export const Public = () => SetMetadata(IS_PUBLIC, true);
/** Only these roles may call the route (403 otherwise). */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);
/** The authenticated user. */
export const CurrentUser = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthUser => ctx.switchToHttp().getRequest().user);
/** The verified access token of the request (its `jti` and expiry), for logout. */
export const CurrentToken = createParamDecorator((_: unknown, ctx: ExecutionContext): VerifiedToken => ctx.switchToHttp().getRequest().token);
