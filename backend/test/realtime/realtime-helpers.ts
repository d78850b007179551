import { JwtService } from '@nestjs/jwt';
import { randomUUID } from 'node:crypto';
import { io, Socket } from 'socket.io-client';
import { inTransaction } from '../../src/common/database/transaction';
import { OutboxService, RealtimeEventName } from '../../src/modules/outbox/outbox.service';
import type { TestContext } from '../support/test-app';

export const EVENTS: RealtimeEventName[] = ['payment:update', 'wallet:update', 'payout:update'];

export interface Received {
  event: RealtimeEventName;
  data: Record<string, unknown> & { seq: number; timestamp: string };
}

export interface TestClient {
  socket: Socket;
  received: Received[];
  seqs(): number[];
  close(): void;
}

function client(baseUrl: string, token: unknown, connect = true): Socket {
  return io(`${baseUrl}/payments`, {
    auth: token === undefined ? {} : { token },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    autoConnect: connect,
  });
}

/** Connects and records every realtime event in arrival order. */
export async function connectClient(baseUrl: string, token: string): Promise<TestClient> {
  const socket = client(baseUrl, token, false);
  const received: Received[] = [];
  for (const e of EVENTS) socket.on(e, (data) => received.push({ event: e, data }));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (err) => reject(err));
    socket.connect();
  });
  return { socket, received, seqs: () => received.map((r) => r.data.seq), close: () => socket.close() };
}

/** The `connect_error` message for a handshake with this token, or 'connected' if it was accepted. */
export function handshakeOutcome(baseUrl: string, token: unknown): Promise<string> {
  const socket = client(baseUrl, token);
  return new Promise((resolve) => {
    socket.once('connect', () => {
      socket.close();
      resolve('connected');
    });
    socket.once('connect_error', (err) => {
      socket.close();
      resolve(err.message);
    });
  });
}

export function signToken(ctx: TestContext, claims: { sub?: string; exp: number }): string {
  return new JwtService({ secret: ctx.config.jwtSecret }).sign({
    sub: claims.sub ?? randomUUID(),
    email: 'x@test.collabpay.dev',
    role: 'company',
    jti: randomUUID(),
    exp: claims.exp,
  });
}

export interface Append {
  userId: string;
  event?: RealtimeEventName;
  payload: Record<string, unknown>;
}

/** Appends rows in one transaction and tells the relay, as a domain module or webhook processor does. */
export async function appendCommitted(ctx: TestContext, rows: Append[], opts: { notify?: boolean } = {}): Promise<void> {
  const outbox = ctx.app.get(OutboxService);
  await inTransaction(ctx.db, async (em) => {
    for (const r of rows) await outbox.append(em, r.userId, r.event ?? 'payment:update', r.payload);
  });
  if (opts.notify !== false) outbox.notifyCommitted();
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
