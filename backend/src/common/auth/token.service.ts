import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { randomUUID } from 'node:crypto';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/env.schema';
import type { AuthUser, JwtPayload, VerifiedToken } from './auth.types';
import { ROLES } from './auth.types';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Signs and verifies access tokens (signature, `exp`, `jti`); shared by HTTP guards and the Socket.io gateway.
 * Whether the user still exists with that role and the token is not revoked is SessionService's question.
 */
@Injectable()
export class TokenService {
  private readonly jwt: JwtService;
  constructor(@Inject(APP_CONFIG) cfg: AppConfig) {
    this.jwt = new JwtService({
      secret: cfg.jwtSecret,
      signOptions: { expiresIn: cfg.jwtExpiresIn, algorithm: 'HS256' },
      verifyOptions: { algorithms: ['HS256'] },
    });
  }

  sign(user: AuthUser): string {
    const payload: JwtPayload = { sub: user.id, email: user.email, role: user.role, jti: randomUUID() };
    return this.jwt.sign(payload);
  }

  /**
   * The token's claims, or null when it is missing, malformed, badly signed or expired, or lacks `exp` (a token
   * without one would never expire) or a `jti` (it could not be revoked).
   */
  verify(token: string | undefined | null): VerifiedToken | null {
    if (!token || typeof token !== 'string') return null;
    try {
      const p = this.jwt.verify<JwtPayload>(token);
      if (typeof p.sub !== 'string' || !UUID_RE.test(p.sub) || !ROLES.includes(p.role)) return null;
      if (typeof p.exp !== 'number' || !Number.isFinite(p.exp)) return null;
      if (typeof p.jti !== 'string' || !UUID_RE.test(p.jti)) return null;
      return { id: p.sub, email: p.email, role: p.role, jti: p.jti.toLowerCase(), expiresAt: p.exp * 1000 };
    } catch {
      return null;
    }
  }
}
