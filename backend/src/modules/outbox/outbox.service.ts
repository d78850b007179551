import { Injectable } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import { EntityManager } from 'typeorm';

export type RealtimeEventName = 'payment:update' | 'wallet:update' | 'payout:update' | 'collaboration:update' | 'dispute:update';

export interface OutboxRow {
  id: number;
  userId: string;
  seq: number;
  event: RealtimeEventName;
  payload: Record<string, unknown>;
  createdAt: Date;
}

/**
 * The transactional outbox for realtime events. Call `append` inside the same transaction as the state change;
 * the realtime relay emits committed rows to the user's room in seq order. `committed` fires after a
 * transaction that appended rows commits (callers use `afterCommit`), so the relay can wake up at once.
 */
@Injectable()
export class OutboxService {
  readonly committed = new EventEmitter();

  /**
   * Appends one event for one user. Must run inside the transaction of the change it describes. The per-user
   * `seq` is given by the relay when it sends the row (in the order rows become visible), so that concurrent
   * transactions of one user never wait for each other here.
   */
  async append(em: EntityManager, userId: string, event: RealtimeEventName, payload: Record<string, unknown>): Promise<{ id: number }> {
    const [{ id }] = await em.query(`INSERT INTO outbox_events (user_id, event, payload) VALUES ($1, $2, $3) RETURNING id`, [
      userId,
      event,
      JSON.stringify(payload),
    ]);
    return { id };
  }

  /** Tell the relay that new rows are committed (call after the transaction resolves). */
  notifyCommitted(): void {
    this.committed.emit('rows');
  }
}
