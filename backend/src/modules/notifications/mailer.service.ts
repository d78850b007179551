import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import nodemailer, { Transporter } from 'nodemailer';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/env.schema';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
  headers: Record<string, string>;
}

/** nodemailer over SMTP (`SMTP_URL`). Without it, email is off and `enabled` says so. */
@Injectable()
export class MailerService implements OnModuleDestroy {
  private readonly log = new Logger(MailerService.name);
  private readonly transport?: Transporter;

  constructor(@Inject(APP_CONFIG) private readonly cfg: AppConfig) {
    if (cfg.mail.smtpUrl) this.transport = nodemailer.createTransport(cfg.mail.smtpUrl, { from: cfg.mail.from });
    else this.log.log('SMTP_URL is not set: email notifications are off');
  }

  get enabled(): boolean {
    return !!this.transport;
  }

  async send(m: OutgoingMail): Promise<void> {
    if (!this.transport) throw new Error('email is not configured (SMTP_URL)');
    await this.transport.sendMail({
      from: this.cfg.mail.from,
      to: m.to,
      subject: m.subject,
      text: m.text,
      html: m.html,
      messageId: m.messageId,
      headers: m.headers,
    });
  }

  onModuleDestroy(): void {
    this.transport?.close();
  }
}
