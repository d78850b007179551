import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Role, VerifiedToken } from '../../common/auth/auth.types';
import { SessionService } from '../../common/auth/session.service';
import { TokenService } from '../../common/auth/token.service';
import { inTransaction, pgConstraint, pgErrorCode } from '../../common/database/transaction';
import { badRequest, conflict, notFound, unauthorized } from '../../common/errors/app-error';
import { CollaborationEvents } from '../collaborations/collaboration-events';
import { CollaborationRepository } from '../collaborations/collaboration.repository';
import { OutboxService } from '../outbox/outbox.service';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/env.schema';
import { UserRecord, UserRepository } from '../users/user.repository';
import { hashPassword, isLegacyHash, verifyPassword } from './domain/password-hash';
import { judgePassword } from './domain/password-policy';

export interface PublicUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  handle?: string | null;
}

export const toPublicUser = (u: UserRecord): PublicUser => ({
  id: u.id,
  email: u.email,
  name: u.name,
  role: u.role,
  ...(u.role === 'influencer' ? { handle: u.handle ?? null } : {}),
});

const BCRYPT_ROUNDS = Number(process.env.BCRYPT_ROUNDS ?? 10);
// Compared against when the email is unknown, so timing does not reveal which emails exist.
const DUMMY_HASH = hashPassword('collabpay-timing-guard', BCRYPT_ROUNDS);

@Injectable()
export class AuthService {
  constructor(
    private readonly ds: DataSource,
    private readonly users: UserRepository,
    private readonly tokens: TokenService,
    private readonly collaborations: CollaborationRepository,
    private readonly events: CollaborationEvents,
    private readonly outbox: OutboxService,
    private readonly sessions: SessionService,
    @Inject(APP_CONFIG) private readonly cfg: AppConfig,
  ) {}

  /**
   * Creates the account. An influencer registering with an email that a company invited becomes the influencer
   * of those proposals in the same transaction, and both parties get `collaboration:update`.
   */
  async register(input: { email: string; password: string; name: string; role: Role; handle?: string }): Promise<{ accessToken: string; user: PublicUser }> {
    if (input.handle !== undefined && input.role !== 'influencer') throw badRequest('HANDLE_NOT_ALLOWED', 'Only influencers have a handle');
    this.assertStrong(input.password, [input.email, input.name]);
    const passwordHash = await hashPassword(input.password, BCRYPT_ROUNDS);
    const email = input.email.toLowerCase();
    let claimed = 0;
    const user = await inTransaction(this.ds, async (em) => {
      const u = await this.users.insert({ email, name: input.name, role: input.role, passwordHash, handle: input.handle ?? null }, em);
      if (!u || u.role !== 'influencer') return u;
      for (const c of await this.collaborations.claimInvitations(em, u.id, email)) {
        claimed++;
        await this.events.notify(em, c, `${u.name} joined CollabPay and can now see the proposal “${c.title}”`);
      }
      return u;
    }).catch((e) => {
      if (pgErrorCode(e) === '23505' && pgConstraint(e) === 'users_handle_uq') throw conflict('HANDLE_TAKEN', 'This handle is already taken');
      throw e;
    });
    if (!user) throw conflict('EMAIL_TAKEN', 'An account with this email already exists');
    if (claimed) this.outbox.notifyCommitted();
    return { accessToken: this.tokens.sign(user), user: toPublicUser(user) };
  }

  async login(email: string, password: string): Promise<{ accessToken: string; user: PublicUser }> {
    const user = await this.users.findByEmail(email);
    const ok = await verifyPassword(password, user?.passwordHash ?? (await DUMMY_HASH));
    if (!user || !ok) throw unauthorized('INVALID_CREDENTIALS', 'Email or password is incorrect');
    if (isLegacyHash(user.passwordHash)) await this.users.updatePassword(user.id, await hashPassword(password, BCRYPT_ROUNDS));
    return { accessToken: this.tokens.sign(user), user: toPublicUser(user) };
  }

  /** Revokes the token of this request (it is refused from now on, on every instance, across restarts). */
  async logout(token: VerifiedToken): Promise<void> {
    await this.sessions.revoke(token);
  }

  async me(id: string): Promise<PublicUser> {
    const user = await this.users.findById(id);
    if (!user) throw unauthorized('UNAUTHORIZED', 'This account no longer exists');
    return toPublicUser(user);
  }

  /** Creates or updates an admin (CLI and seed only; admins never self-register). Same password policy. */
  async upsertUser(input: { email: string; password: string; name: string; role: Role }): Promise<PublicUser> {
    this.assertStrong(input.password, [input.email, input.name]);
    const existing = await this.users.findByEmail(input.email);
    const hash = await hashPassword(input.password, BCRYPT_ROUNDS);
    if (existing) {
      if (existing.role !== input.role) throw conflict('EMAIL_TAKEN', `${input.email} already exists with role ${existing.role}`);
      await this.users.updatePassword(existing.id, hash);
      this.sessions.forgetUser(existing.id);
      return toPublicUser(existing);
    }
    const created = await this.users.insert({ email: input.email.toLowerCase(), name: input.name, role: input.role, passwordHash: hash });
    if (!created) throw notFound();
    return toPublicUser(created);
  }

  /** 400 WEAK_PASSWORD with zxcvbn-ts's feedback (warning, suggestions, score) for people. */
  private assertStrong(password: string, about: string[]): void {
    // the person's own email, its local part, their name and its words, with and without spaces
    const userInputs = about.flatMap((s) => [s, s.split('@')[0], s.replace(/\s+/g, ''), ...s.split(/[\s@._+-]+/)]).filter((s) => s.length >= 3);
    const v = judgePassword(password, this.cfg.passwordMinScore, userInputs);
    if (v.ok) return;
    const hint = [v.warning, ...v.suggestions].filter(Boolean).join(' ');
    throw badRequest('WEAK_PASSWORD', `This password is too easy to guess. ${hint}`.trim(), {
      score: v.score,
      minScore: this.cfg.passwordMinScore,
      warning: v.warning,
      suggestions: v.suggestions,
    });
  }
}
