#!/usr/bin/env node
// `npm run bench -- lighthouse`: Lighthouse (mobile preset, the `lighthouse` npm package driving Debian's
// /usr/bin/chromium) on sign-in, the dashboard and checkout of a RUNNING CollabPay (`npm start`; LIGHTHOUSE_URL,
// default http://127.0.0.1:3000). Registers a throwaway company and influencer through the API, proposes and
// accepts a collaboration so checkout has something to pay, signs in by putting the session in localStorage.
// Prints performance and accessibility per screen — figures, never asserted (they depend on how busy the machine is).
import { createServer } from 'node:net';
import lighthouse from 'lighthouse';
import { chromium } from 'playwright-core';

const BASE = (process.env.LIGHTHOUSE_URL ?? 'http://127.0.0.1:3000').replace(/\/$/, '');
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

async function main() {
  try {
    await api('/health');
  } catch (e) {
    console.error(`No CollabPay at ${BASE} (${e.message}). Start it with \`npm start\` (or set LIGHTHOUSE_URL).`);
    process.exit(1);
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
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', `--remote-debugging-port=${port}`] });
  const page = await browser.newPage();
  const screens = [
    { name: 'sign-in', path: '/sign-in', signedIn: false },
    { name: 'dashboard', path: '/dashboard', signedIn: true },
    { name: 'checkout', path: `/payments/checkout/${collab.id}`, signedIn: true },
  ];
  const rows = [];
  try {
    for (const s of screens) {
      await page.goto(`${BASE}/sign-in`);
      await page.evaluate(
        ([session]) => (session ? localStorage.setItem('collabpay.auth', session) : localStorage.removeItem('collabpay.auth')),
        [s.signedIn ? JSON.stringify({ accessToken: company.accessToken, user: company.user }) : null],
      );
      const result = await lighthouse(`${BASE}${s.path}`, {
        port,
        output: 'json',
        logLevel: 'error',
        onlyCategories: ['performance', 'accessibility'],
        disableStorageReset: true,
      });
      const c = result.lhr.categories;
      const score = (x) => (x?.score == null ? 'n/a' : Math.round(x.score * 100));
      rows.push({
        screen: s.name,
        performance: score(c.performance),
        accessibility: score(c.accessibility),
        lcp: result.lhr.audits['largest-contentful-paint']?.displayValue ?? '',
      });
      console.log(
        `[lighthouse] ${s.name.padEnd(10)} performance ${String(score(c.performance)).padStart(3)}  accessibility ${String(score(c.accessibility)).padStart(3)}  LCP ${rows.at(-1).lcp}`,
      );
    }
  } finally {
    await browser.close();
  }
  console.log(`SUMMARY lighthouse (mobile, ${BASE}): ${rows.map((r) => `${r.screen} perf ${r.performance} a11y ${r.accessibility}`).join(' · ')}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
