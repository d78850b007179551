import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * DATABASE_URL may be a PgBouncer in transaction pooling mode, where session state leaks to whichever client gets
 * the server connection next, or is lost. This guard reads the server's sources: no session-level advisory lock,
 * no session `SET`/`RESET` (only `SET LOCAL`), no named prepared statement, and LISTEN only in the listener,
 * which connects to DATABASE_DIRECT_URL. Each rule is fed the bad case below, so a regex that matches nothing
 * cannot pass silently.
 */
const RULES: Array<{ what: string; bad: RegExp; allowedIn?: string[]; example: string }> = [
  { what: 'a session-level advisory lock', bad: /pg_(try_)?advisory_lock(_shared)?\s*\(|pg_advisory_unlock/, example: 'SELECT pg_advisory_lock(1)' },
  {
    what: 'a session SET or RESET',
    bad: /[`'"]\s*(SET|RESET)\s+(?!LOCAL\b|TRANSACTION\b)(SESSION\s+)?[a-z_]+\s*(=|TO\b|`|'|")/i,
    example: "`SET lock_timeout = '5s'`",
  },
  { what: 'a named prepared statement', bad: /\bname:\s*['"`][^'"`]+['"`]\s*,\s*text:/, example: "{ name: 'q1', text: 'SELECT 1' }" },
  { what: 'LISTEN', bad: /[`'"]\s*LISTEN\s/i, allowedIn: ['modules/realtime/outbox-notify.listener.ts'], example: '`LISTEN outbox_events`' },
];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') && !name.endsWith('.spec.ts') ? [path] : [];
  });
}

describe('no session state on pooled connections', () => {
  const root = join(__dirname, '..');
  const files = sources(root).map((path) => ({ path: relative(root, path), text: readFileSync(path, 'utf8') }));

  it.each(RULES)('the rule against $what catches its bad case', ({ bad, example }) => {
    expect(bad.test(example)).toBe(true);
  });

  it('allows SET LOCAL and transaction-level advisory locks', () => {
    for (const ok of [
      "`SET LOCAL lock_timeout = '100ms'`",
      'SELECT pg_try_advisory_xact_lock($1)',
      'SELECT pg_advisory_xact_lock($1, p)',
      '`UPDATE t SET a = 1`',
    ]) {
      expect(RULES.filter((r) => r.bad.test(ok)).map((r) => r.what)).toEqual([]);
    }
  });

  it.each(RULES)('no server source uses $what (outside where it belongs)', ({ bad, allowedIn }) => {
    expect(files.length).toBeGreaterThan(50);
    const offenders = files.filter((f) => bad.test(f.text) && !(allowedIn ?? []).includes(f.path)).map((f) => f.path);
    expect(offenders).toEqual([]);
  });
});
