import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort } from '../webhooks/support/processes';
import { TEST_DATABASE_URL } from './env';

export interface PgBouncer {
  port: number;
  /** A URL for `database` through this PgBouncer (same user as TEST_DATABASE_URL). */
  url(database: string): string;
  /** `SHOW <what>` on the admin console (e.g. POOLS, CLIENTS, SERVERS), as rows. */
  show(what: string): Promise<Array<Record<string, string>>>;
  /** What PgBouncer printed so far (its log). */
  output(): string;
  stop(): Promise<void>;
}

export interface PgBouncerOptions {
  /** Server connections per database/user pair (default 10, fewer than the app's pool: clients share them). */
  poolSize?: number;
  /** Where PgBouncer connects (default: the host and port of TEST_DATABASE_URL). */
  target?: string;
}

/** The PgBouncer binary, or a clear failure: the tests that use it are not skipped when it is missing. */
export function pgbouncerBinary(): string {
  const candidates = [process.env.PGBOUNCER_BIN, '/usr/sbin/pgbouncer', '/usr/bin/pgbouncer', '/usr/local/bin/pgbouncer'].filter(Boolean) as string[];
  const found = candidates.find((p) => existsSync(p));
  if (found) return found;
  try {
    return execFileSync('sh', ['-c', 'command -v pgbouncer'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('pgbouncer is not installed (apt-get install -y pgbouncer; .ci/run installs it), or set PGBOUNCER_BIN');
  }
}

/**
 * A private PgBouncer (never a shared one) on a free port in front of the test PostgreSQL, in transaction pooling
 * mode (`pool_mode = transaction`: a server connection belongs to a client only for one transaction, so any
 * session state — SET, session advisory locks, LISTEN, named prepared statements — breaks), auth_type trust.
 * Every database is forwarded (`* =`). As root it runs as the `postgres` system user (PgBouncer refuses root).
 */
export async function startPgBouncer(label: string, opts: PgBouncerOptions = {}): Promise<PgBouncer> {
  const bin = pgbouncerBinary();
  const target = new URL(opts.target ?? TEST_DATABASE_URL);
  const user = decodeURIComponent(target.username || 'postgres');
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), `collabpay-pgbouncer-${label}-`));
  chmodSync(dir, 0o755);
  const ini = join(dir, 'pgbouncer.ini');
  const users = join(dir, 'userlist.txt');
  writeFileSync(users, `"${user}" ""\n`, { mode: 0o644 });
  writeFileSync(
    ini,
    [
      '[databases]',
      `* = host=${target.hostname} port=${target.port || 5432}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = trust',
      `auth_file = ${users}`,
      `admin_users = ${user}`,
      'pool_mode = transaction',
      `default_pool_size = ${opts.poolSize ?? 10}`,
      'max_client_conn = 2000',
      'max_db_connections = 0',
      // node-postgres sends none of these by default; anything else unknown (e.g. `options`) is refused loudly
      'ignore_startup_parameters = extra_float_digits',
      'server_reset_query =',
      'log_connections = 0',
      'log_disconnections = 0',
      '',
    ].join('\n'),
    { mode: 0o644 },
  );
  const asRoot = process.getuid?.() === 0;
  const child: ChildProcess = spawn(bin, asRoot ? ['-u', 'postgres', ini] : [ini], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<void>((res) => child.once('exit', () => res()));
  let gone = false;
  void exited.then(() => (gone = true));

  const url = (database: string) => {
    const u = new URL(target.toString());
    u.hostname = '127.0.0.1';
    u.port = String(port);
    u.pathname = `/${database}`;
    return u.toString();
  };
  const until = Date.now() + 10_000;
  for (;;) {
    if (gone) throw new Error(`pgbouncer exited at start:\n${out}`);
    const c = new Client({ connectionString: url(target.pathname.slice(1) || 'postgres') });
    try {
      await c.connect();
      await c.query('SELECT 1');
      await c.end();
      break;
    } catch (e) {
      await c.end().catch(() => undefined);
      if (Date.now() > until) {
        child.kill('SIGKILL');
        throw new Error(`pgbouncer did not accept connections on ${port}: ${(e as Error).message}\n${out}`, { cause: e });
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  return {
    port,
    url,
    output: () => out,
    async show(what) {
      // the admin console speaks the simple query protocol only
      const c = new Client({ connectionString: url('pgbouncer') });
      await c.connect();
      try {
        const res = await c.query(`SHOW ${what.replace(/[^a-z_]/gi, '')}`);
        return res.rows as Array<Record<string, string>>;
      } finally {
        await c.end().catch(() => undefined);
      }
    },
    async stop() {
      if (!gone) {
        child.kill('SIGTERM');
        const hard = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(hard);
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
