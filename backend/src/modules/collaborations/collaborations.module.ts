import { Global, Module } from '@nestjs/common';
import { CollaborationRepository } from './collaboration.repository';

/** The repository is shared with payments (which needs it to apply payments to collaborations). */
@Global()
@Module({ providers: [CollaborationRepository], exports: [CollaborationRepository] })
export class CollaborationDataModule {}
