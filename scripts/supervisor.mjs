// Keeps a server process running: restarts it after a crash with exponential backoff, gives up after too many
// crashes in a time window, and stops it (no restart) on SIGINT/SIGTERM. Plain Node, no dependencies.
//
// With `standby`, a second copy of the server is kept loaded and idle (COLLABPAY_STANDBY=true: it has required
// its code, the slow part of a start on a busy machine, and waits for an IPC 'start' before it connects to
// anything), so a restart only has to open connections and listen.
import { spawn } from 'node:child_process';

/**
 * @param {object} o
 * @param {string} o.name        label in the log lines
 * @param {string} o.cmd
 * @param {string[]} o.args
 * @param {object} o.env
 * @param {(m: string) => void} o.log
 * @param {number} [o.backoffMs]   first restart delay (doubles per crash in the window, at most 30 s)
 * @param {number} [o.maxRestarts] restarts allowed within windowMs before giving up
 * @param {number} [o.windowMs]
 * @param {boolean} [o.standby]    keep a loaded standby process ready (the entry must support COLLABPAY_STANDBY)
 * @param {string} [o.cwd]
 * @returns {{ child: () => import('node:child_process').ChildProcess, stop: (signal: string) => void, done: Promise<number> }}
 */
export function supervise({ name, cmd, args, env, log, backoffMs = 500, maxRestarts = 5, windowMs = 60_000, standby = false, cwd }) {
  let current;
  let spare;
  let stopping = false;
  let timer;
  let spareTimer;
  const crashes = [];
  let resolveDone;
  const done = new Promise((r) => (resolveDone = r));
  const finish = (code) => {
    clearTimeout(spareTimer);
    if (spare && spare.exitCode === null) spare.kill('SIGTERM');
    spare = undefined;
    resolveDone(code);
  };

  const prepareSpare = () => {
    if (!standby || stopping || spare) return;
    const s = spawn(cmd, args, { stdio: ['inherit', 'inherit', 'inherit', 'ipc'], env: { ...env, COLLABPAY_STANDBY: 'true' }, cwd });
    s.on('error', () => undefined);
    s.once('exit', () => {
      if (spare === s) spare = undefined;
    });
    spare = s;
    log(`${name} standby loading (pid ${s.pid})`);
  };

  const start = () => {
    if (spare && spare.exitCode === null && spare.connected) {
      current = spare;
      spare = undefined;
      current.send('start');
      log(`${name} started (pid ${current.pid}) from the loaded standby`);
    } else {
      current = spawn(cmd, args, { stdio: 'inherit', env, cwd });
      log(`${name} started (pid ${current.pid})`);
    }
    // the next standby loads once this one had a head start (they would compete for the CPU)
    clearTimeout(spareTimer);
    spareTimer = setTimeout(prepareSpare, 5000);
    const me = current;
    me.on('exit', (code, signal) => {
      if (stopping) return finish(code ?? 0);
      if (code === 0) {
        log(`${name} exited normally`);
        return finish(0);
      }
      const now = Date.now();
      crashes.push(now);
      while (crashes.length && crashes[0] < now - windowMs) crashes.shift();
      if (crashes.length > maxRestarts) {
        log(`${name} crashed ${crashes.length} times within ${Math.round(windowMs / 1000)} s (${signal ?? `exit code ${code}`}): giving up`);
        return finish(code || 1);
      }
      const delay = Math.min(backoffMs * 2 ** (crashes.length - 1), 30_000);
      log(
        `${name} (pid ${me.pid}) died (${signal ?? `exit code ${code}`}); restarting in ${delay} ms (restart ${crashes.length} of at most ${maxRestarts} within ${Math.round(windowMs / 1000)} s)`,
      );
      timer = setTimeout(start, delay);
    });
  };
  start();
  return {
    child: () => current,
    stop(signal) {
      stopping = true;
      clearTimeout(timer);
      clearTimeout(spareTimer);
      if (spare && spare.exitCode === null) spare.kill(signal);
      if (current && current.exitCode === null && current.signalCode === null) current.kill(signal);
      else finish(0);
    },
    done,
  };
}
