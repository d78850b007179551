import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/env.schema';
import type { AuthUser, Role, VerifiedToken } from './auth.types';
import { TokenService } from './token.service';

/** Why a well-signed token is refused. */
export type SessionRefusal = 'INVALID_TOKEN' | 'USER_GONE' | 'ROLE_CHANGED' | 'TOKEN_REVOKED';

export type SessionCheck = { ok: true; user: AuthUser; token: VerifiedToken } | { ok: false; reason: SessionRefusal };

interface CachedState {
  role: Role | null; // null: the user no longer exists
  email: string | null;
  revoked: boolean;
  until: number;
}

const MAX_CACHED = 10_000;

/**
 * The per-request session check behind every authenticated route and socket: the token verifies (signature, exp,
 * jti), its user still exists with the role the token names, and it was not revoked by a logout. The database's
 * answer is trusted for AUTH_SESSION_CACHE_MS per instance, and forgotten at once for changes made here.
 * Revocations live in PostgreSQL: a restart or a Redis outage never lets a revoked token back in.
 */
@Injectable()
export class SessionService {
  private readonly cache = new Map<string, CachedState>();

  constructor(
    private readonly tokens: TokenService,
    private readonly ds: DataSource,
    @Inject(APP_CONFIG) private readonly cfg: AppConfig,
  ) {}

  async check(raw: string | undefined | null): Promise<SessionCheck> {
    const token = this.tokens.verify(raw);
    if (!token || token.expiresAt <= Date.now()) return { ok: false, reason: 'INVALID_TOKEN' };
    const state = await this.state(token.id, token.jti);
    if (state.revoked) return { ok: false, reason: 'TOKEN_REVOKED' };
    if (!state.role) return { ok: false, reason: 'USER_GONE' };
    if (state.role !== token.role) return { ok: false, reason: 'ROLE_CHANGED' };
    return { ok: true, user: { id: token.id, email: state.email ?? token.email, role: state.role }, token };
  }

  /** Signs the token out for good (idempotent). Expired revocations are pruned on the way. */
  async revoke(token: VerifiedToken): Promise<void> {
    await this.ds.query(`INSERT INTO revoked_tokens (jti, user_id, expires_at) VALUES ($1, $2, to_timestamp($3 / 1000.0)) ON CONFLICT (jti) DO NOTHING`, [
      token.jti,
      token.id,
      token.expiresAt,
    ]);
    this.cache.delete(`${token.id}:${token.jti}`);
    await this.ds.query(`DELETE FROM revoked_tokens WHERE expires_at < now() - interval '1 minute'`);
  }

  /** Forget what this instance knows about a user (their role or existence changed here). */
  forgetUser(userId: string): void {
    for (const key of this.cache.keys()) if (key.startsWith(`${userId}:`)) this.cache.delete(key);
  }

  private async state(userId: string, jti: string): Promise<CachedState> {
    const key = `${userId}:${jti}`;
    const now = Date.now();
    const hit = this.cache.get(key);
    if (hit && hit.until > now) return hit;
    const rows: { role: Role | null; email: string | null; revoked: boolean }[] = await this.ds.query(
      `SELECT u.role, u.email, EXISTS (SELECT 1 FROM revoked_tokens r WHERE r.jti = $2) AS revoked
         FROM (SELECT 1) one LEFT JOIN users u ON u.id = $1`,
      [userId, jti],
    );
    const state: CachedState = {
      role: rows[0]?.role ?? null,
      email: rows[0]?.email ?? null,
      revoked: rows[0]?.revoked === true,
      until: now + this.cfg.authSessionCacheMs,
    };
    if (this.cfg.authSessionCacheMs > 0) {
      if (this.cache.size >= MAX_CACHED) this.cache.delete(this.cache.keys().next().value as string);
      this.cache.set(key, state);
    }
    return state;
  }
}
