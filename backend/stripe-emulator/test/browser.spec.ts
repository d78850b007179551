import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Browser, chromium, Page } from 'playwright-core';
import Stripe from 'stripe';
import { Env, startEnv } from './helpers';

jest.setTimeout(60_000);

const CHROMIUM = '/usr/bin/chromium';
const FIXTURE = path.join(__dirname, 'fixtures', 'checkout.js');

/** Bundle the fixture with Vite's JS API (run in a child process: Vite is ESM-only, Jest here is CommonJS). */
async function bundle(outDir: string): Promise<string> {
  const script = path.join(outDir, 'build.mjs');
  writeFileSync(
    script,
    `import { build } from 'vite';
await build({
  configFile: false,
  logLevel: 'error',
  root: ${JSON.stringify(path.dirname(FIXTURE))},
  define: { 'process.env.NODE_ENV': '"production"' },
  build: {
    outDir: ${JSON.stringify(path.join(outDir, 'dist'))},
    emptyOutDir: true,
    minify: false,
    lib: { entry: ${JSON.stringify(FIXTURE)}, formats: ['iife'], name: 'Checkout', fileName: () => 'checkout.js' },
  },
});`,
  );
  // 'vite' resolves through the node_modules symlink placed next to the script
  await promisify(execFile)(process.execPath, [script], { cwd: outDir });
  return readFileSync(path.join(outDir, 'dist', 'checkout.js'), 'utf8');
}

describe('stripe emulator: Stripe.js stand-in with the real <PaymentElement>', () => {
  let env: Env;
  let stripe: Stripe;
  let browser: Browser;
  let site: http.Server;
  let siteUrl = '';
  let tmp = '';

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
    tmp = mkdtempSync(path.join(tmpdir(), 'stripe-emu-browser-'));
    // vite must be importable from the temp script: link the repo's node_modules next to it
    const nm = path.resolve(__dirname, '../../../node_modules');
    const link = path.join(tmp, 'node_modules');
    symlinkSync(nm, link, 'dir');
    const [js, e] = await Promise.all([bundle(tmp), startEnv()]);
    env = e;
    stripe = env.stripe;
    site = http.createServer((req, res) => {
      const u = new URL(req.url ?? '/', 'http://site');
      if (u.pathname === '/checkout.js') {
        res.writeHead(200, { 'Content-Type': 'application/javascript' }).end(js);
        return;
      }
      if (u.pathname === '/done') {
        res.writeHead(200, { 'Content-Type': 'text/html' }).end(`<p data-testid="done">${u.searchParams.get('redirect_status')}</p>`);
        return;
      }
      const cfg = { publishableKey: env.emu.publishableKey, clientSecret: u.searchParams.get('cs'), returnUrl: `${siteUrl}/done` };
      res.writeHead(200, { 'Content-Type': 'text/html' }).end(`<!doctype html><html><head><title>Checkout</title>
<script src="${env.emu.stripeJsUrl}"></script>
<script>window.__CHECKOUT__ = ${JSON.stringify(cfg)};</script></head>
<body><div id="root"></div><script src="/checkout.js"></script></body></html>`);
    });
    await new Promise<void>((r) => site.listen(0, '127.0.0.1', () => r()));
    siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((r) => (site ? site.close(() => r()) : r()));
    await env?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  async function openCheckout(amount: number): Promise<{ page: Page; pi: Stripe.PaymentIntent; errors: string[] }> {
    const pi = await stripe.paymentIntents.create({ amount, currency: 'usd', automatic_payment_methods: { enabled: true } });
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${siteUrl}/?cs=${encodeURIComponent(pi.client_secret!)}`);
    await page.getByLabel('Card number').waitFor();
    return { page, pi, errors };
  }

  async function fillCard(page: Page, number: string): Promise<void> {
    await page.getByLabel('Card number').fill(number);
    await page.getByLabel('Expiration date').fill('1234');
    await page.getByLabel('Security code').fill('123');
    await page.getByLabel('Postal code').fill('10001');
  }

  it('pays with 4242 4242 4242 4242 and the intent succeeds', async () => {
    const { page, pi, errors } = await openCheckout(4200);
    await page.getByLabel('Card number').fill('4242');
    await page.getByLabel('Card number').blur();
    await page.getByText('Your card number is incomplete.').waitFor();
    expect(await page.getByTestId('complete').textContent()).toBe('incomplete');
    await fillCard(page, '4242424242424242');
    expect(await page.getByLabel('Card number').inputValue()).toBe('4242 4242 4242 4242');
    expect(await page.getByLabel('Expiration date').inputValue()).toBe('12 / 34');
    await page.getByTestId('complete').getByText('complete', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Pay now' }).click();
    await page.getByTestId('status').getByText('succeeded').waitFor();
    expect((await stripe.paymentIntents.retrieve(pi.id)).status).toBe('succeeded');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows "Your card was declined." for 4000000000000002', async () => {
    const { page, pi } = await openCheckout(4200);
    await fillCard(page, '4000000000000002');
    await page.getByRole('button', { name: 'Pay now' }).click();
    await page.getByTestId('message').getByText('Your card was declined.').waitFor();
    const after = await stripe.paymentIntents.retrieve(pi.id);
    expect(after.status).toBe('requires_payment_method');
    expect(after.last_payment_error?.decline_code).toBe('generic_decline');
    await page.close();
  });

  it('runs the simulated 3-D Secure challenge for 4000002500003155', async () => {
    const { page, pi } = await openCheckout(5100);
    await fillCard(page, '4000002500003155');
    await page.getByRole('button', { name: 'Pay now' }).click();
    await page.getByRole('dialog').waitFor();
    await page.getByRole('button', { name: 'Complete authentication' }).click();
    await page.getByTestId('status').getByText('succeeded').waitFor();
    expect((await stripe.paymentIntents.retrieve(pi.id)).status).toBe('succeeded');

    const second = await openCheckout(5100);
    await fillCard(second.page, '4000002760003184');
    await second.page.getByRole('button', { name: 'Pay now' }).click();
    await second.page.getByRole('button', { name: 'Fail authentication' }).click();
    await second.page
      .getByTestId('message')
      .getByText(/unable to authenticate/)
      .waitFor();
    expect((await stripe.paymentIntents.retrieve(second.pi.id)).status).toBe('requires_payment_method');
    await page.close();
    await second.page.close();
  });
});
