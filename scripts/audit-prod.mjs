#!/usr/bin/env node
// `npm run audit:prod`: high and critical advisories in the production dependencies (`npm audit --omit=dev`).
// Exit 0 when there are none, 1 when there are, 2 when the registry could not be asked (said so plainly: no
// number is printed that was not measured).
import { spawnSync } from 'node:child_process';
import { root } from './lib.mjs';

const r = spawnSync('npm', ['audit', '--omit=dev', '--json'], { cwd: root, encoding: 'utf8', timeout: 120_000 });
let report;
try {
  report = JSON.parse(r.stdout || '{}');
} catch {
  report = {};
}
const counts = report?.metadata?.vulnerabilities;
if (!counts) {
  const why = report?.error?.summary || report?.error?.code || (r.stderr || r.error?.message || 'no answer').trim().split('\n').slice(-3).join(' ');
  console.log(`npm audit --omit=dev: UNAVAILABLE — the registry did not answer the audit request (${why}).`);
  console.log('No high/critical count can be given from here; run `npm run audit:prod` where the npm registry is reachable.');
  process.exit(2);
}
const high = counts.high ?? 0;
const critical = counts.critical ?? 0;
console.log(`npm audit --omit=dev: ${critical} critical, ${high} high (moderate ${counts.moderate ?? 0}, low ${counts.low ?? 0}, info ${counts.info ?? 0})`);
for (const [name, v] of Object.entries(report.vulnerabilities ?? {})) {
  if (v.severity === 'high' || v.severity === 'critical')
    console.log(`  ${v.severity.padEnd(8)} ${name} ${v.range ?? ''}${v.fixAvailable ? ' (fix available: npm audit fix --omit=dev)' : ' (no fix yet)'}`);
}
process.exit(high + critical > 0 ? 1 : 0);
