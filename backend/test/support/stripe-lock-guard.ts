import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import { AsyncLocalStorage } from 'node:async_hooks';
import { Server } from 'node:http';
import { Client } from 'pg';
import type Stripe from 'stripe';
import { QUEUES } from '../../src/common/queue/queue.module';
import { STRIPE } from '../../src/modules/stripe/stripe.module';
import type { TestContext } from './test-app';

/**
 * Which flow of work issued what: every HTTP request the process serves and every Bull job it runs is a flow of its
 * own (a number); anything else (test code, timers) is flow 0. Each database session remembers the flow of the last
 * query sent on it, which for a session inside a transaction is the flow that owns the transaction.
 */
const flows = new AsyncLocalStorage<number>();
let nextFlow = 1;
const sessionFlow = new Map<number, number>();
const currentFlow = () => flows.getStore() ?? 0;
let installed = 0;
let uninstall: (() => void) | undefined;

function installFlowTracking(): void {
  if (installed++ > 0) return;
  const emit = Server.prototype.emit;
  const send = emit as (this: Server, ...a: unknown[]) => boolean;
  Server.prototype.emit = function (this: Server, ...args: unknown[]) {
    if (args[0] === 'request') return flows.run(nextFlow++, () => send.apply(this, args));
    return send.apply(this, args);
  } as typeof emit;
  const query = Client.prototype.query;
  Client.prototype.query = function (this: Client & { processID?: number }, ...args: unknown[]) {
    if (this.processID) sessionFlow.set(this.processID, currentFlow());
    return (query as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof query;
  uninstall = () => {
    Server.prototype.emit = emit;
    Client.prototype.query = query;
    sessionFlow.clear();
  };
}

export interface LockedCall {
  request: string;
  /** relations on which an app connection holds row locks (FOR UPDATE/SHARE: RowShareLock; written rows: RowExclusiveLock) */
  locks: string[];
}

interface HttpClientLike {
  makeRequest(...args: unknown[]): Promise<unknown>;
}

/**
 * Checks, at the moment of every request of the server's Stripe client (before it is sent), whether the flow making
 * the request (the HTTP request or Bull job it serves; see `flows`) has a connection to the test database inside a
 * transaction that holds row-level locks: a SELECT … FOR UPDATE takes RowShareLock on its table, a written row
 * RowExclusiveLock, both until the transaction ends. The check is awaited before the request goes out, so the answer
 * is exact for that moment; locks held by other flows at that moment (a webhook job, the sweeper, a relay tick
 * running alongside) are not the caller's and are not counted.
 */
export class StripeLockGuard {
  readonly calls: LockedCall[] = [];
  private readonly http: HttpClientLike;
  private readonly original: HttpClientLike['makeRequest'];

  private constructor(
    stripe: Stripe,
    private readonly pg: Client,
    private readonly ignore: string[],
    private readonly restore: Array<() => void>,
  ) {
    this.http = (stripe as unknown as { getApiField(name: string): HttpClientLike }).getApiField('httpClient');
    this.original = this.http.makeRequest;
    const check = (request: string, flow: number) => this.check(request, flow);
    const original = this.original;
    this.http.makeRequest = async function (this: unknown, ...args: unknown[]) {
      const [, , path, method] = args as [string, number, string, string];
      await check(`${method} ${String(path).split('?')[0]}`, currentFlow());
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
    installFlowTracking();
    // each Bull job a flow of its own (Bull binds processJob per queue instance, so wrap the instances)
    const restore: Array<() => void> = [];
    for (const name of Object.values(QUEUES)) {
      const q = ctx.app.get<Queue & { processJob: (...a: unknown[]) => unknown }>(getQueueToken(name), { strict: false });
      const run = q.processJob;
      q.processJob = (...a: unknown[]) => flows.run(nextFlow++, () => run.apply(q, a));
      restore.push(() => (q.processJob = run));
    }
    const pg = new Client({ connectionString: ctx.databaseUrl });
    await pg.connect();
    return new StripeLockGuard(ctx.app.get<Stripe>(STRIPE), pg, ignore, restore);
  }

  /** One check at a time on the guard's connection (Stripe calls made at once would otherwise share it concurrently). */
  private checking: Promise<unknown> = Promise.resolve();

  private check(request: string, flow: number): Promise<void> {
    const next = this.checking.then(() => this.inspect(request, flow));
    this.checking = next.catch(() => undefined);
    return next;
  }

  private async inspect(request: string, flow: number): Promise<void> {
    const rows: Array<{ pid: number; relname: string; mode: string }> = await this.pg
      .query(
        `SELECT DISTINCT l.pid, c.relname, l.mode FROM pg_locks l
           JOIN pg_class c ON c.oid = l.relation
           JOIN pg_stat_activity a ON a.pid = l.pid
          WHERE l.granted AND l.mode IN ('RowShareLock', 'RowExclusiveLock') AND c.relkind IN ('r', 'p')
            AND a.datname = current_database() AND l.pid <> pg_backend_pid() AND a.backend_xid IS NOT NULL`,
      )
      .then((r) => r.rows);
    const locks = rows
      .filter((r) => sessionFlow.get(r.pid) === flow)
      .map((r) => `${r.relname} (${r.mode})`)
      .filter((l) => !this.ignore.includes(l) && !this.ignore.includes(l.split(' ')[0]));
    this.calls.push({ request, locks: [...new Set(locks)] });
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
    for (const undo of this.restore) undo();
    if (--installed === 0) uninstall?.();
    await this.pg.end();
  }
}
