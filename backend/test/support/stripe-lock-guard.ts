import { Client } from 'pg';
import type Stripe from 'stripe';
import { STRIPE } from '../../src/modules/stripe/stripe.module';
import type { TestContext } from './test-app';

export interface LockedCall {
  request: string;
  /** relations on which an app connection holds row locks (FOR UPDATE/SHARE: RowShareLock; written rows: RowExclusiveLock) */
  locks: string[];
}

interface HttpClientLike {
  makeRequest(...args: unknown[]): Promise<unknown>;
}

/**
 * Checks, at the moment of every request of the server's Stripe client (before it is sent), whether any connection
 * of the app to the test database is inside a transaction that holds row-level locks: a SELECT … FOR UPDATE takes
 * RowShareLock on its table, a written row RowExclusiveLock, both until the transaction ends. The check is
 * awaited before the request goes out, so the answer is exact for that moment. Run the checked steps one at a time
 * (webhook delivery paused), so that every lock seen belongs to the request that is calling Stripe.
 */
export class StripeLockGuard {
  readonly calls: LockedCall[] = [];
  private readonly http: HttpClientLike;
  private readonly original: HttpClientLike['makeRequest'];

  private constructor(
    stripe: Stripe,
    private readonly pg: Client,
    private readonly ignore: string[],
  ) {
    this.http = (stripe as unknown as { getApiField(name: string): HttpClientLike }).getApiField('httpClient');
    this.original = this.http.makeRequest;
    const check = (request: string) => this.check(request);
    const original = this.original;
    this.http.makeRequest = async function (this: unknown, ...args: unknown[]) {
      const [, , path, method] = args as [string, number, string, string];
      await check(`${method} ${String(path).split('?')[0]}`);
      return original.apply(this, args);
    };
  }

  /**
   * `ignore`: tables (or `table (mode)`) only background work writes, not the code under test, e.g. the outbox
   * relay's sequence numbers and its membership heartbeat, or the webhook endpoint storing an incoming event.
   */
  static async attach(ctx: TestContext, extraIgnore: string[] = []): Promise<StripeLockGuard> {
    // outbox_relay_members: the relay's heartbeat upsert (every relay, on its own timer) lands on any request by chance
    const ignore = ['outbox_events', 'user_event_seqs', 'email_notifications', 'outbox_relay_members', ...extraIgnore];
    const pg = new Client({ connectionString: ctx.databaseUrl });
    await pg.connect();
    return new StripeLockGuard(ctx.app.get<Stripe>(STRIPE), pg, ignore);
  }

  private async check(request: string): Promise<void> {
    const rows: Array<{ relname: string; mode: string }> = await this.pg
      .query(
        `SELECT DISTINCT c.relname, l.mode FROM pg_locks l
           JOIN pg_class c ON c.oid = l.relation
           JOIN pg_stat_activity a ON a.pid = l.pid
          WHERE l.granted AND l.mode IN ('RowShareLock', 'RowExclusiveLock') AND c.relkind IN ('r', 'p')
            AND a.datname = current_database() AND l.pid <> pg_backend_pid() AND a.backend_xid IS NOT NULL`,
      )
      .then((r) => r.rows);
    const locks = rows.map((r) => `${r.relname} (${r.mode})`).filter((l) => !this.ignore.includes(l) && !this.ignore.includes(l.split(' ')[0]));
    this.calls.push({ request, locks });
  }

  /** The Stripe calls made while a row lock was held. */
  violations(): LockedCall[] {
    return this.calls.filter((c) => c.locks.length > 0);
  }

  clear(): void {
    this.calls.length = 0;
  }

  async detach(): Promise<void> {
    this.http.makeRequest = this.original;
    await this.pg.end();
  }
}
