// Keeps a server process running: restarts it after a crash with exponential backoff, gives up after too many
// crashes in a time window, and stops it (no restart) on SIGINT/SIGTERM. Plain Node, no dependencies.
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
 * @returns {{ child: () => import('node:child_process').ChildProcess, stop: (signal: string) => void, done: Promise<number> }}
 */
export function supervise({ name, cmd, args, env, log, backoffMs = 500, maxRestarts = 5, windowMs = 60_000, cwd }) {
  let current;
  let stopping = false;
  let timer;
  const crashes = [];
  let resolveDone;
  const done = new Promise((r) => (resolveDone = r));

  const start = () => {
    current = spawn(cmd, args, { stdio: 'inherit', env, cwd });
    log(`${name} started (pid ${current.pid})`);
    current.on('exit', (code, signal) => {
      if (stopping) return resolveDone(code ?? 0);
      if (code === 0) {
        log(`${name} exited normally`);
        return resolveDone(0);
      }
      const now = Date.now();
      crashes.push(now);
      while (crashes.length && crashes[0] < now - windowMs) crashes.shift();
      if (crashes.length > maxRestarts) {
        log(`${name} crashed ${crashes.length} times within ${Math.round(windowMs / 1000)} s (${signal ?? `exit code ${code}`}): giving up`);
        return resolveDone(code || 1);
      }
      const delay = Math.min(backoffMs * 2 ** (crashes.length - 1), 30_000);
      log(
        `${name} (pid ${current.pid}) died (${signal ?? `exit code ${code}`}); restarting in ${delay} ms (restart ${crashes.length} of at most ${maxRestarts} within ${Math.round(windowMs / 1000)} s)`,
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
      if (current && current.exitCode === null && current.signalCode === null) current.kill(signal);
      else resolveDone(0);
    },
    done,
  };
}
