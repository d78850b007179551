import { Inject, Injectable } from '@nestjs/common';
import type { AuthUser } from '../../common/auth/auth.types';
import { badRequest } from '../../common/errors/app-error';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/env.schema';
import { EMAIL_KINDS, EMAIL_KIND_LIST, EmailKind, isEmailKind } from './domain/email-kinds';
import { verifyUnsubscribe } from './domain/unsubscribe-token';
import { EmailNotificationRepository } from './email-notification.repository';

export interface PreferencesView {
  email: Record<EmailKind, boolean>;
  kinds: Array<{ kind: EmailKind; label: string }>;
  emailEnabled: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@Injectable()
export class NotificationsService {
  constructor(
    @Inject(APP_CONFIG) private readonly cfg: AppConfig,
    private readonly repo: EmailNotificationRepository,
  ) {}

  async preferences(user: AuthUser): Promise<PreferencesView> {
    return {
      email: await this.repo.preferences(user.id),
      kinds: EMAIL_KIND_LIST.map((kind) => ({ kind, label: EMAIL_KINDS[kind] })),
      emailEnabled: !!this.cfg.mail.smtpUrl,
    };
  }

  async update(user: AuthUser, body: unknown): Promise<PreferencesView> {
    const email = (body as { email?: unknown })?.email;
    if (!email || typeof email !== 'object' || Array.isArray(email))
      throw badRequest('VALIDATION_FAILED', 'Send { "email": { "<kind>": true | false } } with the kinds to change');
    const changes: Partial<Record<EmailKind, boolean>> = {};
    for (const [k, v] of Object.entries(email)) {
      if (!isEmailKind(k)) throw badRequest('UNKNOWN_NOTIFICATION_KIND', `There is no notification called "${k.slice(0, 60)}"`);
      if (typeof v !== 'boolean') throw badRequest('VALIDATION_FAILED', `Turn "${k}" on or off with true or false`);
      changes[k] = v;
    }
    await this.repo.setPreferences(user.id, changes);
    return this.preferences(user);
  }

  /** The link in every email: valid signature → that kind is switched off. Returns the kind's label. */
  async unsubscribe(u: unknown, k: unknown, s: unknown): Promise<string> {
    if (
      typeof u !== 'string' ||
      typeof k !== 'string' ||
      typeof s !== 'string' ||
      !UUID.test(u) ||
      !isEmailKind(k) ||
      !verifyUnsubscribe(this.cfg.jwtSecret, u, k, s)
    )
      throw badRequest('INVALID_UNSUBSCRIBE_LINK', 'This unsubscribe link is not valid. Change your email settings in the app instead.');
    await this.repo.setPreferences(u, { [k]: false });
    return EMAIL_KINDS[k];
  }
}
