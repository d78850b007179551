import { Inject, Logger, OnApplicationShutdown } from '@nestjs/common';
import { ConnectedSocket, MessageBody, OnGatewayConnection, OnGatewayDisconnect, OnGatewayInit, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import type Redis from 'ioredis';
import type { Namespace, Socket } from 'socket.io';
import { SessionService } from '../../common/auth/session.service';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/env.schema';
import { OutboxEventRepository } from './outbox-event.repository';
import { OutboxRelay } from './outbox-relay.service';
import { MAX_SOCKETS_PER_USER, REALTIME_NAMESPACE, SOCKET_OPTIONS, SYNC_MAX_ROWS, SYNC_PAGE, userRoom } from './realtime.constants';
import { toWire } from './realtime-event';
import { installSocketAdapter } from './socket-adapter';

/** Node timers overflow past 2^31-1 ms (~24.8 days); longer expiries re-arm. */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface SocketData {
  userId: string;
  expiresAt: number;
  expiryTimer?: NodeJS.Timeout;
  syncChain?: Promise<unknown>;
}

type AppSocket = Socket<Record<string, never>, Record<string, (...a: unknown[]) => void>, Record<string, never>, SocketData>;

/**
 * `/payments`: the JWT from `handshake.auth.token` is checked in a namespace middleware (refusals surface as
 * `connect_error` "unauthorized"), each socket joins only `user:<id>`, and is disconnected when its token
 * expires. Live events come from the OutboxRelay; `sync {since}` replays missed rows to one socket.
 * The Redis adapter carries room emits between instances (channel prefix = QUEUE_PREFIX; see socket-adapter.ts).
 */
@WebSocketGateway({ namespace: REALTIME_NAMESPACE, ...SOCKET_OPTIONS })
export class RealtimeGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect, OnApplicationShutdown {
  private readonly log = new Logger(RealtimeGateway.name);
  private nsp?: Namespace;
  private pub?: Redis;
  private sub?: Redis;
  /** Sockets per user on this instance, for MAX_SOCKETS_PER_USER. */
  private readonly perUser = new Map<string, number>();

  constructor(
    @Inject(APP_CONFIG) private readonly cfg: AppConfig,
    private readonly sessions: SessionService,
    private readonly relay: OutboxRelay,
    private readonly repo: OutboxEventRepository,
  ) {}

  afterInit(nsp: Namespace): void {
    this.nsp = nsp;
    // sharded (per-room channels) or classic, per SOCKET_ADAPTER; Redis outages are handled there
    ({ pub: this.pub, sub: this.sub } = installSocketAdapter(nsp.server, this.cfg, this.log));

    nsp.use((socket, next) => {
      const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
      // the same check as HTTP: signature, exp, and the user, role and revocation in the database
      this.sessions.check(typeof token === 'string' ? token : undefined).then(
        (session) => {
          if (!session.ok) return next(new Error('unauthorized'));
          const user = session.token;
          if ((this.perUser.get(user.id) ?? 0) >= MAX_SOCKETS_PER_USER) return next(new Error('too many connections'));
          const data = socket.data as SocketData;
          data.userId = user.id;
          data.expiresAt = user.expiresAt;
          next();
        },
        () => next(new Error('unavailable')),
      );
    });

    this.startRelay();
  }

  /** Starts (or restarts, after `OutboxRelay.stop()`) relaying committed outbox rows to the users' rooms. */
  startRelay(): void {
    const nsp = this.nsp;
    if (!nsp) throw new Error('the realtime namespace is not initialised yet');
    this.relay.start((rows) => {
      for (const row of rows) nsp.to(userRoom(row.userId)).emit(row.event, toWire(row));
    });
  }

  handleConnection(socket: AppSocket): void {
    const { userId } = socket.data;
    if (!userId) {
      socket.disconnect(true);
      return;
    }
    this.perUser.set(userId, (this.perUser.get(userId) ?? 0) + 1);
    void socket.join(userRoom(userId));
    this.armExpiry(socket);
  }

  handleDisconnect(socket: AppSocket): void {
    const { userId, expiryTimer } = socket.data;
    if (expiryTimer) clearTimeout(expiryTimer);
    if (!userId) return;
    const n = (this.perUser.get(userId) ?? 1) - 1;
    if (n > 0) this.perUser.set(userId, n);
    else this.perUser.delete(userId);
  }

  /**
   * `sync {since}`: emits to this socket only every committed row of its user with seq > since, in seq order,
   * and acks with the number emitted (at most SYNC_MAX_ROWS; a client repeats from its last seq until the ack
   * is 0). Rows may also arrive live (same seq): clients ignore seq <= the last one applied.
   */
  @SubscribeMessage('sync')
  sync(@ConnectedSocket() socket: AppSocket, @MessageBody() body: unknown): Promise<number> {
    const raw = body && typeof body === 'object' ? (body as { since?: unknown }).since : undefined;
    const since = typeof raw === 'number' && Number.isSafeInteger(raw) && raw > 0 ? raw : 0;
    // one replay at a time per socket, so two syncs cannot interleave their rows
    const run = (socket.data.syncChain ?? Promise.resolve()).catch(() => undefined).then(() => this.replay(socket, since));
    socket.data.syncChain = run;
    return run;
  }

  /**
   * So that a live event cannot overtake the replay (a client would then drop the older replayed rows), the
   * socket leaves its room while the backlog is read, rejoins, and finally replays whatever committed in the
   * meantime. Nothing is lost: a row committed before that last read is in it, one committed after is relayed
   * after the rejoin.
   */
  private async replay(socket: AppSocket, since: number): Promise<number> {
    const room = userRoom(socket.data.userId);
    let cursor = since;
    let sent = 0;
    const page = async (max: number): Promise<number> => {
      const rows = await this.repo.listSince(socket.data.userId, cursor, max);
      if (!socket.connected) return 0;
      for (const row of rows) socket.emit(row.event, toWire(row));
      if (rows.length) cursor = rows[rows.length - 1].seq;
      sent += rows.length;
      return rows.length;
    };
    await socket.leave(room);
    try {
      while (sent < SYNC_MAX_ROWS && socket.connected && (await page(Math.min(SYNC_PAGE, SYNC_MAX_ROWS - sent))) === SYNC_PAGE);
    } finally {
      if (socket.connected) await socket.join(room);
    }
    if (sent < SYNC_MAX_ROWS && socket.connected) await page(SYNC_MAX_ROWS - sent);
    return sent;
  }

  /** A token that expires while connected stops receiving: the socket is disconnected at `exp`. */
  private armExpiry(socket: AppSocket): void {
    const left = socket.data.expiresAt - Date.now();
    if (left <= 0) {
      socket.disconnect(true);
      return;
    }
    socket.data.expiryTimer = setTimeout(() => (left > MAX_TIMER_MS ? this.armExpiry(socket) : socket.disconnect(true)), Math.min(left, MAX_TIMER_MS));
    socket.data.expiryTimer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    // Nest has closed the Socket.io server (and the adapter's subscriptions) by now
    await Promise.all([this.pub, this.sub].map((c) => c?.quit().catch(() => c.disconnect())));
  }
}
