import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../webhooks/support/processes';

export interface PrivatePgBouncer {
  port: number;
  /** `url` (a database on the upstream server) with its host and port replaced by this PgBouncer's. */
  through(url: string): string;
  /** Asks PgBouncer's admin console (SHOW ...). */
  show(what: 'POOLS' | 'STATS' | 'CONFIG'): Array<Record<string, string>>;
  log(): string;
  stop(): Promise<void>;
}

export function pgbouncerBinary(): string | undefined {
  for (const p of ['/usr/sbin/pgbouncer', '/usr/bin/pgbouncer', '/usr/local/bin/pgbouncer']) if (existsSync(p)) return p;
  const r = spawnSync('sh', ['-c', 'command -v pgbouncer'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/**
 * A PgBouncer of our own (pool_mode=transaction, as production runs it) on a free port in front of the test
 * PostgreSQL server (trust authentication, any database). PgBouncer refuses to run as root: then it drops to `nobody`.
 */
export async function startPgBouncer(upstream: string, opts: { poolSize?: number } = {}): Promise<PrivatePgBouncer> {
  const bin = pgbouncerBinary();
  if (!bin) throw new Error('pgbouncer is not installed (Debian: apt-get install pgbouncer)');
  const up = new URL(upstream);
  const user = decodeURIComponent(up.username || 'postgres');
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'collabpay-pgbouncer-'));
  chmodSync(dir, 0o777);
  const ini = join(dir, 'pgbouncer.ini');
  writeFileSync(join(dir, 'userlist.txt'), `"${user}" ""\n`);
  writeFileSync(
    ini,
    [
      '[databases]',
      `* = host=${up.hostname} port=${up.port || 5432}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = trust',
      `auth_file = ${join(dir, 'userlist.txt')}`,
      `admin_users = ${user}`,
      'pool_mode = transaction',
      `default_pool_size = ${opts.poolSize ?? 20}`,
      'max_client_conn = 1000',
      'ignore_startup_parameters = extra_float_digits,options',
      `logfile = ${join(dir, 'pgbouncer.log')}`,
      'log_connections = 0',
      'log_disconnections = 0',
      '',
    ].join('\n'),
  );
  for (const f of ['pgbouncer.ini', 'userlist.txt']) chmodSync(join(dir, f), 0o644);
  const asRoot = process.getuid?.() === 0;
  const child: ChildProcess = spawn(bin, [...(asRoot ? ['-u', 'nobody'] : []), ini], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const log = () => out + (existsSync(join(dir, 'pgbouncer.log')) ? readFileSync(join(dir, 'pgbouncer.log'), 'utf8') : '');
  const until = Date.now() + 10_000;
  for (;;) {
    const up2 = await new Promise<boolean>((r) => {
      const s = net.connect({ port, host: '127.0.0.1' });
      s.once('connect', () => (s.destroy(), r(true)));
      s.once('error', () => r(false));
    });
    if (up2) break;
    if (child.exitCode !== null || Date.now() > until) throw new Error(`pgbouncer did not start on ${port}:\n${log()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    port,
    through(url: string) {
      const u = new URL(url);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString();
    },
    show(what) {
      const r = spawnSync('psql', ['-h', '127.0.0.1', '-p', String(port), '-U', user, '-d', 'pgbouncer', '-A', '-F', '\t', '-c', `SHOW ${what}`], {
        encoding: 'utf8',
      });
      const lines = r.stdout
        .trim()
        .split('\n')
        .filter((l) => !/^\(\d+ rows?\)$/.test(l));
      const head = (lines.shift() ?? '').split('\t');
      return lines.map((l) => Object.fromEntries(l.split('\t').map((v, i) => [head[i], v])));
    },
    log,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        await new Promise<void>((r) => {
          child.once('exit', () => r());
          child.kill('SIGINT');
        });
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
