/**
 * Frontend size benchmark (a script, not a test).
 *
 *   node scripts/bench.mjs frontend          (from the repository root)
 *
 * Builds the SPA with the project's own build (`npm run build -w frontend`, i.e. `vite build`) into a temporary
 * directory (so a frontend/dist that a running server or an e2e test is using is left alone), then reports gzip
 * sizes (level 9, what a CDN or `compression` would send):
 * - initial JavaScript: the entry script of dist/index.html, every modulepreload it lists, and the closure of
 *   their static imports (what a first visit downloads before anything renders; lazy routes excluded);
 * - the checkout chunk (CheckoutRoute-*.js) and everything a visit to /checkout adds to the initial set;
 * - CSS and the largest chunks, for orientation.
 * Knobs: BENCH_FRONTEND_DIST=<dir> measures an existing build instead of building.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { env, logger, machineLine, runMain } from './support/bench-kit';

const TAG = 'frontend-bench';
const log = logger(TAG);
const TARGET_KB = 150;
const ROOT = resolve(__dirname, '../../../..'); // dist/bench-build/bench → repository root
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

function gz(file: string): number {
  return gzipSync(readFileSync(file), { level: 9 }).length;
}

/** Static imports of an ES module chunk as Vite/Rolldown emits them: `import{a as b}from"./x.js"` and `import"./x.js"`. */
function staticImports(code: string): string[] {
  const out = new Set<string>();
  const re = /(?:^|[;}\s])(?:import|export)\s*(?:[\w$*{}\s,]+?\s*from\s*)?["']\.\/([^"']+\.js)["']/g;
  for (let m = re.exec(code); m; m = re.exec(code)) out.add(m[1]);
  return [...out];
}

function closure(assets: string, roots: string[]): Set<string> {
  const seen = new Set<string>();
  const stack = [...roots];
  while (stack.length) {
    const f = stack.pop()!;
    if (seen.has(f) || !existsSync(join(assets, f))) continue;
    seen.add(f);
    stack.push(...staticImports(readFileSync(join(assets, f), 'utf8')));
  }
  return seen;
}

async function main(): Promise<void> {
  log(`machine: ${machineLine()}`);
  let dist = env.BENCH_FRONTEND_DIST;
  let tmp: string | undefined;
  if (!dist) {
    tmp = mkdtempSync(join(tmpdir(), 'collabpay-spa-'));
    dist = tmp;
    const t = Date.now();
    const r = spawnSync('npm', ['run', 'build', '-w', 'frontend', '--', '--outDir', tmp, '--emptyOutDir', '--logLevel', 'warn'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 180_000,
    });
    if (r.status !== 0) throw new Error(`frontend build failed (${r.status}): ${(r.stderr || r.stdout).slice(-1500)}`);
    log(`built the SPA (npm run build -w frontend -- --outDir <tmp>) in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  }
  try {
    const html = readFileSync(join(dist, 'index.html'), 'utf8');
    const assets = join(dist, 'assets');
    const name = (href: string) => href.replace(/^.*\/assets\//, '');
    const entries = [...html.matchAll(/<script[^>]+type="module"[^>]*src="([^"]+)"/g)].map((m) => name(m[1]));
    const preloads = [...html.matchAll(/<link[^>]+rel="modulepreload"[^>]*href="([^"]+)"/g)].map((m) => name(m[1]));
    if (!entries.length) throw new Error('no module entry script in index.html');
    const initial = closure(assets, [...entries, ...preloads]);
    const initialGz = [...initial].reduce((s, f) => s + gz(join(assets, f)), 0);
    const initialRaw = [...initial].reduce((s, f) => s + statSync(join(assets, f)).size, 0);
    log(`initial JavaScript: ${initial.size} file(s) (${[...initial].join(', ')}): ${kb(initialGz)} gzip (${kb(initialRaw)} raw) — target < ${TARGET_KB} KB`);
    const css = [...html.matchAll(/<link[^>]+rel="stylesheet"[^>]*href="([^"]+)"/g)].map((m) => name(m[1]));
    if (css.length) log(`initial CSS: ${css.join(', ')}: ${kb(css.reduce((s, f) => s + gz(join(assets, f)), 0))} gzip`);

    const files = readdirSync(assets).filter((f) => f.endsWith('.js'));
    const checkout = files.find((f) => /^CheckoutRoute-/.test(f));
    let checkoutLine = 'checkout chunk not found';
    if (checkout) {
      const own = gz(join(assets, checkout));
      const extra = [...closure(assets, [checkout])].filter((f) => !initial.has(f));
      const extraGz = extra.reduce((s, f) => s + gz(join(assets, f)), 0);
      log(
        `checkout chunk: ${checkout}: ${kb(own)} gzip; a visit to /checkout loads ${extra.length} file(s) beyond the initial set: ${kb(extraGz)} gzip (${extra.join(', ')})`,
      );
      log(`  (Stripe.js itself is not in the bundle: it is served by Stripe, or by the emulator, and loaded at run time)`);
      checkoutLine = `checkout chunk ${kb(own)} gzip (${kb(extraGz)} with what it adds)`;
    }
    const biggest = files
      .map((f) => ({ f, g: gz(join(assets, f)) }))
      .sort((a, b) => b.g - a.g)
      .slice(0, 5);
    log(`largest chunks (gzip): ${biggest.map((b) => `${b.f} ${kb(b.g)}`).join(', ')}`);
    log(`SUMMARY: initial JS ${kb(initialGz)} gzip (target < ${TARGET_KB} KB: ${initialGz < TARGET_KB * 1024 ? 'met' : 'NOT met'}); ${checkoutLine}`);
  } finally {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
}

runMain(TAG, main);
