import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module';
import { EmailDispatcher } from './email-dispatcher.service';
import { EmailNotificationRepository } from './email-notification.repository';
import { MailerService } from './mailer.service';
import { NotificationsController } from './notifications.controller';
import { NotificationsService } from './notifications.service';

/** Email notifications: queued with the outbox row of the change, sent after commit by the dispatcher. */
@Module({
  imports: [UsersModule],
  controllers: [NotificationsController],
  providers: [EmailNotificationRepository, MailerService, EmailDispatcher, NotificationsService],
  exports: [EmailDispatcher],
})
export class NotificationsModule {}
