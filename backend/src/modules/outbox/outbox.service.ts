import { Injectable } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import { EntityManager } from 'typeorm';

export type RealtimeEventName = 'payment:update' | 'wallet:update' | 'payout:update';

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

  /** Appends one event for one user with the next per-user seq. Must run inside a transaction. */
  async append(em: EntityManager, userId: string, event: RealtimeEventName, payload: Record<string, unknown>): Promise<{ id: number; seq: number }> {
    const [{ last_seq: seq }] = await em.query(
      `INSERT INTO user_event_seqs (user_id, last_seq) VALUES ($1, 1)
       ON CONFLICT (user_id) DO UPDATE SET last_seq = user_event_seqs.last_seq + 1
       RETURNING last_seq`,
      [userId],
    );
    const [{ id }] = await em.query(`INSERT INTO outbox_events (user_id, seq, event, payload) VALUES ($1, $2, $3, $4) RETURNING id`, [userId, seq, event, JSON.stringify(payload)]);
    return { id, seq };
  }

  /** Tell the relay that new rows are committed (call after the transaction resolves). */
  notifyCommitted(): void {
    this.committed.emit('rows');
  }
}
