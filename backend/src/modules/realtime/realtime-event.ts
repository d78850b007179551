import type { RealtimeEventName } from '../outbox/outbox.service';

/** One committed outbox row as the relay and `sync` read it. */
export interface OutboxEventRow {
  id: number;
  userId: string;
  seq: number;
  event: RealtimeEventName;
  payload: Record<string, unknown>;
  createdAt: Date;
}

/** What the client receives: the domain payload plus the per-user `seq` and the commit-side `timestamp`. */
export function toWire(row: OutboxEventRow): Record<string, unknown> {
  return { ...row.payload, seq: row.seq, timestamp: row.createdAt.toISOString() };
}
