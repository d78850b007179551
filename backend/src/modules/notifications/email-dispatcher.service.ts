import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/env.schema';
import { OutboxService } from '../outbox/outbox.service';
import { UserRepository } from '../users/user.repository';
import { renderEmail } from './domain/email-templates';
import { unsubscribeSignature } from './domain/unsubscribe-token';
import { EmailNotificationRepository, EmailRow } from './email-notification.repository';
import { MailerService } from './mailer.service';

const BATCH = 20;
const MAX_ATTEMPTS = 8;

/**
 * Sends the emails that committed transactions queued (table `email_notifications`). Woken after every commit
 * that wrote outbox rows, and by a poll (an in-process loop: rows are claimed with SKIP LOCKED, so any number of
 * processes can run it). Each row is claimed in its own short transaction, sent outside any lock with a
 * Message-ID derived from the row, and marked SENT; a send that fails is retried with back-off.
 */
@Injectable()
export class EmailDispatcher implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger(EmailDispatcher.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopped = true;
  private lastErrorAt = 0;
  private readonly wake = () => void this.kick();

  constructor(
    @Inject(APP_CONFIG) private readonly cfg: AppConfig,
    private readonly repo: EmailNotificationRepository,
    private readonly mailer: MailerService,
    private readonly users: UserRepository,
    private readonly outbox: OutboxService,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.cfg.runWorker || !this.mailer.enabled || this.cfg.mail.pollMs === 0) return;
    this.stopped = false;
    this.outbox.committed.on('rows', this.wake);
    this.timer = setInterval(() => void this.poll(), this.cfg.mail.pollMs);
    this.timer.unref();
    void this.kick();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    this.outbox.committed.off('rows', this.wake);
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** Sends everything due now (tests and the poll call this). */
  kick(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.drain().finally(() => (this.running = undefined));
    return this.running;
  }

  private async poll(): Promise<void> {
    if (this.running || this.stopped) return;
    try {
      if (await this.repo.hasDue()) await this.kick();
    } catch (e) {
      this.report(e);
    }
  }

  private async drain(): Promise<void> {
    do {
      this.again = false;
      try {
        let rows: EmailRow[];
        do {
          rows = await this.repo.claim(BATCH, this.cfg.mail.claimTimeoutMs);
          for (const row of rows) await this.sendOne(row);
        } while (rows.length === BATCH && !this.stopped);
      } catch (e) {
        this.report(e);
        return;
      }
    } while (this.again && !this.stopped);
  }

  /** A row that cannot be rendered or sent goes back for a retry (or FAILED), never stays claimed. */
  private async sendOne(row: EmailRow): Promise<void> {
    try {
      await this.trySend(row);
    } catch (e) {
      this.report(e);
      await this.repo.markFailed(row.id, (e as Error).message, row.attempts, MAX_ATTEMPTS, this.cfg.mail.backoffMs);
    }
  }

  private async trySend(row: EmailRow): Promise<void> {
    const user = await this.users.findById(row.userId);
    if (!user) return this.repo.markSkipped(row.id, 'user no longer exists');
    if (!(await this.repo.wants(row.userId, row.kind))) return this.repo.markSkipped(row.id, 'switched off by the user');
    const base = this.cfg.publicUrl.replace(/\/$/, '');
    const sig = unsubscribeSignature(this.cfg.jwtSecret, row.userId, row.kind);
    const unsubscribeUrl = `${base}/api/notifications/unsubscribe?u=${row.userId}&k=${row.kind}&s=${sig}`;
    const mail = renderEmail({
      kind: row.kind,
      payload: row.payload,
      recipient: { name: user.name, role: user.role },
      appUrl: base,
      unsubscribeUrl,
      preferencesUrl: `${base}/settings/notifications`,
    });
    const messageId = `<email-${row.id}@collabpay.notifications>`;
    await this.mailer.send({
      to: user.email,
      ...mail,
      messageId,
      headers: {
        'List-Unsubscribe': `<${unsubscribeUrl}>`,
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
        'X-CollabPay-Kind': row.kind,
      },
    });
    await this.repo.markSent(row.id, messageId);
  }

  private report(e: unknown): void {
    const now = Date.now();
    if (now - this.lastErrorAt < 10_000) return;
    this.lastErrorAt = now;
    this.log.warn(`sending email failed, will retry: ${(e as Error).message}`);
  }
}
