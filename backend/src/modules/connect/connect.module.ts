import { Module } from '@nestjs/common';
import { ConnectWebhooksHandler } from './connect-webhooks.handler';
import { ConnectController } from './connect.controller';
import { ConnectService } from './connect.service';
import { ConnectedAccountRepository } from './connected-account.repository';

/** Connect onboarding of influencers (Express accounts, hosted onboarding, status from account.updated). */
@Module({
  controllers: [ConnectController],
  providers: [ConnectedAccountRepository, ConnectService, ConnectWebhooksHandler],
  exports: [ConnectService, ConnectedAccountRepository],
})
export class ConnectModule {}
