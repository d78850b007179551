#!/usr/bin/env node
// `npm run bench -- lighthouse`: Lighthouse (mobile preset, the `lighthouse` npm package driving Debian's
// /usr/bin/chromium) on sign-in, the dashboard and checkout. Without LIGHTHOUSE_URL it builds and starts its own
// production build exactly as `npm start` does (scripts/start.mjs), on free ports, against a private database created
// for the run on LIGHTHOUSE_PG_URL (default postgres://postgres@127.0.0.1:5432/postgres, dropped afterwards), with its
// own Stripe emulator, mail catcher and queue prefix; with LIGHTHOUSE_URL it audits that running app instead. Registers a throwaway company and influencer through the API, proposes and
// accepts a collaboration so checkout has something to pay, signs in by putting the session in localStorage.
// Prints performance and accessibility per screen with the metrics and the audits that failed (LIGHTHOUSE_REPORT_DIR
// keeps each median report's JSON; LIGHTHOUSE_RUNS runs per screen, default 3, the median is reported) — figures, never asserted (they depend on how busy the machine is).
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import lighthouse from 'lighthouse';
import pg from 'pg';
import { chromium } from 'playwright-core';
import { root, waitForPort } from './lib.mjs';

let BASE = (process.env.LIGHTHOUSE_URL ?? '').replace(/\/$/, '');
const RUNS = Math.max(1, Number(process.env.LIGHTHOUSE_RUNS ?? 3) || 3);
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

async function api(path, body, token) {
  const res = await fetch(`${BASE}/api${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json().catch(() => null);
  if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

/** The production build started as `npm start` starts it, on a private database; returns how to stop it. */
async function startOwnApp() {
  const adminUrl = process.env.LIGHTHOUSE_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const dbName = `cp_lighthouse_${Date.now().toString(36)}_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${dbName}"`);
  await admin.end();
  const dbUrl = new URL(adminUrl);
  dbUrl.pathname = `/${dbName}`;
  const [port, stripePort, smtpPort, webPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const env = {
    ...process.env,
    DATABASE_URL: dbUrl.toString(),
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    STRIPE_EMULATOR_PORT: String(stripePort),
    MAILDEV_SMTP_PORT: String(smtpPort),
    MAILDEV_WEB_PORT: String(webPort),
    QUEUE_PREFIX: `lighthouse-${process.pid}`,
    SEED_DEMO: 'false',
    RESTART_STANDBY: 'false',
    AUTH_RATE_LIMIT: '1000',
  };
  console.log(`[lighthouse] building and starting CollabPay (npm start) on port ${port}, database ${dbName} ...`);
  const child = spawn(process.execPath, [join(root, 'scripts', 'start.mjs')], { env, cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  const output = [];
  child.stdout.on('data', (d) => output.push(String(d)));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const up = await Promise.race([waitForPort(port, 600_000), exited.then(() => false)]);
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`).catch(() => undefined);
    await c.end();
  };
  if (!up) {
    console.error(output.join('').slice(-4000));
    await stop();
    throw new Error('CollabPay did not start');
  }
  BASE = `http://127.0.0.1:${port}`;
  return stop;
}

async function main() {
  const stop = BASE ? async () => undefined : await startOwnApp();
  try {
    await audit();
  } finally {
    await stop();
  }
}

const METRICS = ['first-contentful-paint', 'largest-contentful-paint', 'total-blocking-time', 'cumulative-layout-shift', 'speed-index'];
const score = (x) => (x?.score == null ? NaN : Math.round(x.score * 100));

/** One Lighthouse run of one screen (signed in or out first); prints its figures, returns them with the failing audits. */
async function auditOnce(page, port, s, company) {
  await page.goto(`${BASE}/sign-in`);
  await page.evaluate(
    ([session]) => (session ? localStorage.setItem('collabpay.auth', session) : localStorage.removeItem('collabpay.auth')),
    [s.signedIn ? JSON.stringify({ accessToken: company.accessToken, user: company.user }) : null],
  );
  const { lhr } = await lighthouse(`${BASE}${s.path}`, {
    port,
    output: 'json',
    logLevel: 'error',
    onlyCategories: ['performance', 'accessibility'],
    disableStorageReset: true,
  });
  const landed = new URL(lhr.finalDisplayedUrl).pathname;
  if (landed !== s.path) throw new Error(`${s.name}: Lighthouse audited ${landed} instead of ${s.path} (not signed in?)`);
  const a = lhr.audits;
  const performance = score(lhr.categories.performance);
  const accessibility = score(lhr.categories.accessibility);
  const metric = (id) =>
    `${id
      .split('-')
      .map((w) => w[0].toUpperCase())
      .join('')} ${a[id]?.displayValue ?? 'n/a'}`;
  console.log(
    `[lighthouse] ${s.name.padEnd(10)} performance ${String(performance).padStart(3)}  accessibility ${String(accessibility).padStart(3)}  ${METRICS.map(metric).join('  ')}`,
  );
  if (!Number.isFinite(performance))
    console.log(`[lighthouse]   (no performance score: ${lhr.runtimeError?.code ?? a['first-contentful-paint']?.errorMessage ?? 'unknown'})`);
  const failing = Object.values(a)
    .filter((x) => x.score !== null && x.score < 0.9 && (x.metricSavings || x.details) && x.scoreDisplayMode !== 'informative')
    .filter((x) => !METRICS.includes(x.id) && x.id !== 'interactive' && x.id !== 'max-potential-fid')
    .slice(0, 8);
  return { performance, accessibility, failing, lhr };
}

async function audit() {
  try {
    await api('/health');
  } catch (e) {
    throw new Error(`No CollabPay at ${BASE} (${e.message}). Start it with \`npm start\`, or leave LIGHTHOUSE_URL unset to let this script start one.`, {
      cause: e,
    });
  }
  const tag = Date.now().toString(36);
  const password = 'lighthouse-pass-1';
  const company = await api('/auth/register', { email: `lh-co-${tag}@example.com`, password, name: 'Lighthouse Brand', role: 'company' });
  const influencer = await api('/auth/register', { email: `lh-in-${tag}@example.com`, password, name: 'Lighthouse Creator', role: 'influencer' });
  const collab = await api(
    '/collaborations',
    { influencerId: influencer.user.id, title: 'Lighthouse run', amount: 150000, currency: 'usd' },
    company.accessToken,
  );
  await api(`/collaborations/${collab.id}/accept`, {}, influencer.accessToken);

  const port = await freePort();
  // a persistent context is the browser's default one: the tab Lighthouse opens on `port` shares its localStorage
  const profile = mkdtempSync(join(tmpdir(), 'collabpay-lighthouse-'));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', `--remote-debugging-port=${port}`],
  });
  const page = browser.pages()[0] ?? (await browser.newPage());
  const screens = [
    { name: 'sign-in', path: '/sign-in', signedIn: false },
    { name: 'dashboard', path: '/dashboard', signedIn: true },
    { name: 'checkout', path: `/payments/checkout/${collab.id}`, signedIn: true },
  ];
  const rows = [];
  try {
    for (const s of screens) {
      const runs = [];
      for (let i = 0; i < RUNS; i++) runs.push(await auditOnce(page, port, s, company));
      // Lighthouse's own advice for noisy machines: the median of several runs (by performance score)
      // a run Lighthouse could not score (e.g. no paint within its timeout on a saturated machine) is left out
      const scored = runs.filter((r) => Number.isFinite(r.performance));
      const median = [...(scored.length ? scored : runs)].sort((x, y) => x.performance - y.performance)[Math.floor((scored.length || runs.length) / 2)];
      rows.push({ screen: s.name, performance: median.performance, accessibility: median.accessibility, runs: runs.map((r) => r.performance) });
      console.log(`[lighthouse] ${s.name.padEnd(10)} median of ${runs.length}: performance ${median.performance}  accessibility ${median.accessibility}`);
      // what Lighthouse says to fix, so a low score comes with its causes
      for (const x of median.failing) console.log(`[lighthouse]   - ${x.id}: ${x.title}${x.displayValue ? ` (${x.displayValue})` : ''}`);
      if (process.env.LIGHTHOUSE_REPORT_DIR) {
        mkdirSync(process.env.LIGHTHOUSE_REPORT_DIR, { recursive: true });
        writeFileSync(join(process.env.LIGHTHOUSE_REPORT_DIR, `${s.name}.json`), JSON.stringify(median.lhr));
      }
    }
  } finally {
    await browser.close();
    rmSync(profile, { recursive: true, force: true });
  }
  console.log(
    `SUMMARY lighthouse (mobile, ${BASE}, load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}, median of ${RUNS}): ${rows.map((r) => `${r.screen} perf ${r.performance} (${r.runs.join('/')}) a11y ${r.accessibility}`).join(' · ')}`,
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
