/**
 * Recognises errors that mean "a dependency (PostgreSQL, Redis) is unreachable right now", as opposed to a bug.
 * The HTTP filter answers them 503 SERVICE_UNAVAILABLE, and the process guard logs them instead of exiting.
 */

/** Socket-level failures (Node's `code`). */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED']);

/**
 * PostgreSQL SQLSTATEs: class 08 (connection exception), 57P01 admin_shutdown, 57P02 crash_shutdown,
 * 57P03 cannot_connect_now (starting up / shutting down), 53300 too_many_connections.
 */
const PG_UNAVAILABLE = /^(08...|57P0[123]|53300)$/;

/** Messages of node-postgres / TypeORM / ioredis / Bull when the connection is gone or cannot be had. */
const DB_MESSAGES = [
  /Connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /Client has encountered a connection error and is not queryable/i,
  /Cannot use a pool after calling end on the pool/i,
  /the database system is (starting up|shutting down|in recovery mode)/i,
  /terminating connection due to administrator command/i,
];
const REDIS_MESSAGES = [
  /Reached the max retries per request limit/i,
  /Connection is closed/i,
  /Stream isn't writeable/i,
  /enableOfflineQueue/i,
  /Redis .*(unavailable|timed out)/i,
];

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  driverError?: unknown;
  cause?: unknown;
  errors?: unknown;
}

function walk(e: unknown, test: (x: ErrorLike) => boolean, depth = 0): boolean {
  if (!e || typeof e !== 'object' || depth > 4) return false;
  const x = e as ErrorLike;
  if (test(x)) return true;
  // TypeORM's QueryFailedError keeps the driver's error; AggregateError (happy eyeballs) keeps each attempt's
  if (walk(x.driverError, test, depth + 1) || walk(x.cause, test, depth + 1)) return true;
  return Array.isArray(x.errors) && x.errors.some((i) => walk(i, test, depth + 1));
}

const message = (x: ErrorLike) => (typeof x.message === 'string' ? x.message : '');

export function isDatabaseUnavailable(e: unknown): boolean {
  return walk(e, (x) => {
    if (typeof x.code === 'string' && PG_UNAVAILABLE.test(x.code)) return true;
    if (DB_MESSAGES.some((re) => re.test(message(x)))) return true;
    // a refused/reset socket inside a TypeORM/pg error (ioredis errors are classified below)
    return typeof x.code === 'string' && NETWORK_CODES.has(x.code) && !REDIS_MESSAGES.some((re) => re.test(message(x)));
  });
}

export function isRedisUnavailable(e: unknown): boolean {
  return walk(e, (x) => x.name === 'MaxRetriesPerRequestError' || REDIS_MESSAGES.some((re) => re.test(message(x))));
}

/** PostgreSQL or Redis unreachable (or a socket to anything refused/reset). */
export function isDependencyUnavailable(e: unknown): boolean {
  return isDatabaseUnavailable(e) || isRedisUnavailable(e);
}
