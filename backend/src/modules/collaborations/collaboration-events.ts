import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { OutboxService } from '../outbox/outbox.service';
import type { CollaborationRecord, MilestoneRecord } from './collaboration.repository';

/**
 * `collaboration:update` to both parties (an invited influencer once registered), written to the outbox in the
 * transaction of the change, so that it is sent only after commit.
 */
@Injectable()
export class CollaborationEvents {
  constructor(private readonly outbox: OutboxService) {}

  async notify(
    em: EntityManager,
    c: Pick<CollaborationRecord, 'id' | 'companyId' | 'influencerId' | 'status'>,
    message: string,
    milestone?: Pick<MilestoneRecord, 'id' | 'status'>,
  ): Promise<void> {
    const payload = {
      collaborationId: c.id,
      status: c.status,
      ...(milestone ? { milestoneId: milestone.id, milestoneStatus: milestone.status } : {}),
      message,
    };
    for (const userId of [c.companyId, c.influencerId]) if (userId) await this.outbox.append(em, userId, 'collaboration:update', payload);
  }
}
