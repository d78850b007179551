import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/env.schema';
import type { AuthUser, JwtPayload } from './auth.types';
import { ROLES } from './auth.types';

/** Signs and verifies access tokens; shared by HTTP guards and the Socket.io gateway. */
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
    const payload: JwtPayload = { sub: user.id, email: user.email, role: user.role };
    return this.jwt.sign(payload);
  }

  /** Returns the user and the expiry (ms since epoch) or null when the token is missing, malformed or expired. */
  verify(token: string | undefined | null): (AuthUser & { expiresAt: number }) | null {
    if (!token || typeof token !== 'string') return null;
    try {
      const p = this.jwt.verify<JwtPayload>(token);
      if (!p.sub || !ROLES.includes(p.role)) return null;
      return { id: p.sub, email: p.email, role: p.role, expiresAt: (p.exp ?? 0) * 1000 };
    } catch {
      return null;
    }
  }
}
