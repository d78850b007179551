import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { OutboxService } from '../outbox/outbox.service';

/** `dispute:update` to both parties, through the outbox (sent after commit). */
@Injectable()
export class DisputeEvents {
  constructor(private readonly outbox: OutboxService) {}

  async notify(
    em: EntityManager,
    d: { id: string; collaborationId: string; companyId: string; influencerId: string | null },
    status: string,
    message: string,
  ): Promise<void> {
    const payload = { disputeId: d.id, collaborationId: d.collaborationId, status, message };
    for (const userId of [d.companyId, d.influencerId]) if (userId) await this.outbox.append(em, userId, 'dispute:update', payload);
  }
}
