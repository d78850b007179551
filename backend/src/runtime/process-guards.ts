import { Logger } from '@nestjs/common';
import { isDependencyUnavailable } from '../common/errors/dependency-errors';

export interface GuardOptions {
  /** Called for an error that is not a dependency outage (a bug): log it, then exit so the supervisor restarts us. */
  onFatal?: (e: unknown, origin: string) => void;
  logger?: Pick<Logger, 'warn' | 'error'>;
}

const describe = (e: unknown) => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));

/**
 * Process-wide last resort. A dependency outage (PostgreSQL or Redis unreachable) that escapes as an unhandled
 * rejection or an uncaught exception is logged (at most once per 10 s per kind of error) and the process goes on:
 * every client reconnects by itself. Anything else is a bug that may have left the process in a state nobody
 * knows: it is logged with its stack and the process exits 1, and `npm start`'s supervisor starts a fresh one
 * (which catches up with Stripe's events at start).
 */
export function installProcessGuards(opts: GuardOptions = {}): () => void {
  const logger = opts.logger ?? new Logger('ProcessGuard');
  const lastLogged = new Map<string, number>();
  const onFatal =
    opts.onFatal ??
    ((e: unknown, origin: string) => {
      logger.error(`${origin}: ${e instanceof Error ? (e.stack ?? describe(e)) : String(e)} — exiting (a supervisor restarts the server)`);
      process.exit(1);
    });
  const handle = (origin: 'unhandledRejection' | 'uncaughtException') => (e: unknown) => {
    if (isDependencyUnavailable(e)) {
      const key = `${origin}:${describe(e)}`;
      const now = Date.now();
      if (now - (lastLogged.get(key) ?? 0) > 10_000) {
        lastLogged.set(key, now);
        logger.warn(`${origin} from a dependency outage (survived): ${describe(e)}`);
      }
      return;
    }
    onFatal(e, origin);
  };
  const onRejection = handle('unhandledRejection');
  const onException = handle('uncaughtException');
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return () => {
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
  };
}
