import type { ServerOptions } from 'socket.io';

export const REALTIME_NAMESPACE = '/payments';

/** The only room a socket joins (besides Socket.io's own per-socket room). */
export const userRoom = (userId: string): string => `user:${userId}`;

/**
 * Engine options for many mostly idle dashboards: a ping every 25 s (20 s to answer), small inbound
 * frames (clients only send `sync`), no per-message compression (it costs ~300 KB of zlib state per socket).
 * The token is sent in the handshake payload, not in a cookie, so a permissive CORS origin is not a CSRF risk.
 */
export const SOCKET_OPTIONS: Partial<ServerOptions> = {
  transports: ['websocket', 'polling'],
  pingInterval: 25_000,
  pingTimeout: 20_000,
  connectTimeout: 10_000,
  maxHttpBufferSize: 16 * 1024,
  perMessageDeflate: false,
  serveClient: false,
  cors: { origin: true, credentials: false },
};

/** Sockets one user may hold on one instance (tabs, devices); more are refused with `connect_error`. */
export const MAX_SOCKETS_PER_USER = 20;
/** Rows per relay transaction. */
export const RELAY_BATCH = 500;
/** Fallback poll: catches rows committed by other processes (a queue worker) and after restarts. */
export const RELAY_POLL_MS = 1_000;
/** A relay that has not heartbeaten (every RELAY_POLL_MS) for this long is no longer counted when partitions are shared out. */
export const RELAY_MEMBER_TTL_MS = 5_000;
/** Any relay takes a partition whose oldest unsent row is this old, whichever relay prefers it (it died or is stuck). */
export const RELAY_TAKEOVER_MS = 3_000;
/** A `sync` replays at most this many rows; the ack says how many were sent, the client asks again from its last seq. */
export const SYNC_MAX_ROWS = 5_000;
export const SYNC_PAGE = 500;
