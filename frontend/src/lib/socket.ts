/**
 * The one Socket.io client of the SPA: namespace `/payments`, token passed in `auth`. socket.io-client is loaded on
 * demand (its own chunk), so it is not parsed and evaluated before the first screen renders.
 */
import type { Socket } from 'socket.io-client';
import { getAccessToken } from './auth-storage';

export interface RealtimeBase {
  seq: number;
  timestamp: string;
}

export interface PaymentUpdateEvent extends RealtimeBase {
  paymentId: string;
  collaborationId: string;
  status: string;
  amount: number;
  currency: string;
  message?: string;
}

export interface WalletUpdateEvent extends RealtimeBase {
  currency: string;
  available: number;
  pending: number;
  lastTransaction?: { id?: string; type?: 'credit' | 'debit'; amount?: number; description?: string } | null;
}

export interface PayoutUpdateEvent extends RealtimeBase {
  payoutId: string;
  status: string;
  amount: number;
  currency: string;
  message?: string;
}

export interface CollaborationUpdateEvent extends RealtimeBase {
  collaborationId: string;
  status: string;
  milestoneId?: string;
  milestoneStatus?: string;
  message?: string;
}

export interface DisputeUpdateEvent extends RealtimeBase {
  disputeId: string;
  collaborationId: string;
  status: string;
  message?: string;
}

/** A retainer's status changed (it started, ended at period end, fell past due or was paid up again). */
export interface RetainerUpdateEvent extends RealtimeBase {
  retainerId: string;
  collaborationId: string;
  status: 'incomplete' | 'active' | 'past_due' | 'canceled';
  previousStatus?: string;
  cancelAtPeriodEnd?: boolean;
  message?: string;
}

export interface ServerToClientEvents {
  'collaboration:update': (e: CollaborationUpdateEvent) => void;
  'dispute:update': (e: DisputeUpdateEvent) => void;
  'payment:update': (e: PaymentUpdateEvent) => void;
  'wallet:update': (e: WalletUpdateEvent) => void;
  'payout:update': (e: PayoutUpdateEvent) => void;
  'retainer:update': (e: RetainerUpdateEvent) => void;
}

export interface ClientToServerEvents {
  /** Acks with the number of events replayed (capped by the server; ask again while it is > 0). */
  sync: (payload: { since: number }, ack: (replayed: number) => void) => void;
}

export type PaymentsSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Creates (does not share) a socket; the caller owns its lifetime. The token is read on every (re)connect. */
export async function createPaymentsSocket(): Promise<PaymentsSocket> {
  const { io } = await import('socket.io-client');
  return io('/payments', {
    path: '/socket.io',
    auth: (cb) => cb({ token: getAccessToken() ?? '' }),
    // A WebSocket straight away (the server accepts both): the long-polling handshake and upgrade probe that
    // Socket.io starts with by default cost a string of XHR round trips and callbacks on the main thread while the
    // page is still loading. Where a WebSocket cannot be opened (a proxy without upgrades) it falls back to polling.
    transports: ['websocket', 'polling'],
    tryAllTransports: true,
    reconnection: true,
    reconnectionDelay: 500,
    reconnectionDelayMax: 5000,
    autoConnect: true,
  });
}
