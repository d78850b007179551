import { Global, Module } from '@nestjs/common';
import { CollaborationEvents } from './collaboration-events';
import { MilestoneHistoryRepository } from '../milestones/milestone-history.repository';
import { CollaborationRepository } from './collaboration.repository';

/** The repository and its events are shared with payments, milestones, disputes and auth (invitations). */
@Global()
@Module({
  providers: [CollaborationRepository, CollaborationEvents, MilestoneHistoryRepository],
  exports: [CollaborationRepository, CollaborationEvents, MilestoneHistoryRepository],
})
export class CollaborationDataModule {}
