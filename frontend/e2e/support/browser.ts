/**
 * Helpers for the browser end-to-end tests: Debian Chromium through playwright-core (no Playwright test runner,
 * so no `expect` for locators: the polling assertions below play that part), sign-up/sign-in through the SPA,
 * the Stripe.js stand-in's card fields, toasts and screenshots.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';

export const SPA_DIR = resolve(__dirname, '../../dist');
export const SCREENSHOT_DIR = resolve(__dirname, '../screenshots');
export const PASSWORD = 'correct-horse-battery';

/** The env that makes createTestContext serve the built SPA at `/`. */
export function spaEnv(): Record<string, string> {
  return { SERVE_SPA: 'true', SPA_DIR };
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
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
}

export interface Actor {
  name: string;
  context: BrowserContext;
  page: Page;
  /** uncaught page errors and console errors, for the failure message */
  problems: string[];
  /** every toast any page of this context showed, with the path it was shown on (survives navigations) */
  toastLog: ToastRecord[];
}

export interface ToastRecord {
  at: number;
  path: string;
  text: string;
  tone: string | null;
  /** already matched by an expectToast call (so one toast satisfies one expectation) */
  consumed?: boolean;
}

/** Records each toast as it is added to the DOM, across navigations, for diagnostics. */
const TOAST_RECORDER = `(() => {
  const seen = new WeakSet();
  const scan = () => document.querySelectorAll('[data-testid="toast"]').forEach((el) => {
    if (seen.has(el)) return;
    seen.add(el);
    window.__e2eToast?.(location.pathname, (el.textContent || '').trim(), el.getAttribute('data-tone'));
  });
  new MutationObserver(scan).observe(document, { childList: true, subtree: true });
})();`;

export async function newActor(browser: Browser, baseUrl: string, name: string, viewport = { width: 1280, height: 900 }): Promise<Actor> {
  const context = await browser.newContext({ baseURL: baseUrl, viewport, locale: 'en-US', timezoneId: 'UTC' });
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(20_000);
  const toastLog: Actor['toastLog'] = [];
  await context.exposeBinding('__e2eToast', (_source, path: string, text: string, tone: string | null) => {
    toastLog.push({ at: Date.now(), path, text, tone });
  });
  await context.addInitScript(TOAST_RECORDER);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`[${name}] pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(`[${name}] console.error: ${m.text()}`);
  });
  page.on('response', (r) => {
    // 4xx answers are part of the flows under test (declines, refusals); a 5xx never is
    if (r.status() >= 500) problems.push(`[${name}] HTTP ${r.status()} ${r.request().method()} ${new URL(r.url()).pathname}`);
  });
  return { name, context, page, problems, toastLog };
}

/** Polls `check` until it returns a truthy value; throws with the last observation after `timeoutMs`. */
export async function until<T>(check: () => Promise<T | false | null | undefined>, what: string, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
      last = v;
    } catch (e) {
      last = (e as Error).message;
    }
    if (Date.now() > end) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what} (last: ${JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function matches(text: string, expected: string | RegExp): boolean {
  return typeof expected === 'string' ? text.trim() === expected : expected.test(text);
}

/** Waits until the (first) element's visible text equals `expected` (string, trimmed) or matches it (RegExp). */
export async function expectText(locator: Locator, expected: string | RegExp, timeoutMs = 15_000): Promise<string> {
  let seen = '';
  try {
    return await until(
      async () => {
        const el = locator.first();
        if (!(await el.isVisible())) {
          seen = '<not visible>';
          return false;
        }
        seen = (await el.innerText()).trim();
        return matches(seen, expected) ? seen : false;
      },
      `text ${String(expected)}`,
      timeoutMs,
    );
  } catch {
    throw new Error(`Expected ${locator.toString()} to have text ${String(expected)} within ${timeoutMs} ms; last seen: ${JSON.stringify(seen)}`);
  }
}

export async function expectVisible(locator: Locator, timeoutMs = 15_000): Promise<void> {
  try {
    await locator.first().waitFor({ state: 'visible', timeout: timeoutMs });
  } catch {
    throw new Error(`Expected ${locator.toString()} to be visible within ${timeoutMs} ms`);
  }
}

/**
 * Waits for a toast whose text matches `title` and returns its tone (`data-tone`) and text.
 * For an Actor, every toast its pages rendered is recorded as it appears (see TOAST_RECORDER), so a toast counts even
 * if it auto-dismissed (after 5 s) before this call; it must have been shown on the page's current path, and each
 * recorded toast satisfies one expectation only. For a bare Page, the toasts currently on screen are polled.
 */
/**
 * The payout toast: "Payout requested" from the wallet screen, or the live news of the same payout when it lands
 * first (one slot per payout: whichever comes last shows).
 */
export const PAYOUT_TOAST = /Payout requested|Payout: (On its way|Paid out)/;

export async function expectToast(target: Page | Actor, title: string | RegExp, timeoutMs = 15_000): Promise<{ tone: string | null; text: string }> {
  const page = 'page' in target ? target.page : target;
  const log = 'page' in target ? target.toastLog : null;
  const match = (text: string) => (typeof title === 'string' ? text.includes(title) : title.test(text));
  const seen = new Set<string>();
  try {
    return await until(
      async () => {
        if (log) {
          const path = new URL(page.url()).pathname;
          const hit = log.find((t) => !t.consumed && t.path === path && match(t.text));
          if (!hit) return false;
          hit.consumed = true;
          return { tone: hit.tone, text: hit.text };
        }
        const toasts = page.getByTestId('toast');
        const n = await toasts.count();
        for (let i = 0; i < n; i++) {
          const t = toasts.nth(i);
          const text = (await t.innerText().catch(() => '')).trim();
          seen.add(text.replace(/\s+/g, ' '));
          if (match(text)) return { tone: await t.getAttribute('data-tone'), text };
        }
        return false;
      },
      `toast ${String(title)}`,
      timeoutMs,
    );
  } catch {
    const history = log
      ? `; every toast of this context: ${JSON.stringify(log.map((t) => `${t.path}: ${t.text.replace(/\s+/g, ' ')}${t.consumed ? ' (matched before)' : ''}`))}`
      : `; toasts seen: ${JSON.stringify([...seen])}`;
    throw new Error(`Expected a toast ${String(title)} within ${timeoutMs} ms on ${page.url()}${history}`);
  }
}

/** The live indicator says the socket is connected (so server events will reach this page). */
export async function expectLive(page: Page, timeoutMs = 15_000): Promise<void> {
  await until(async () => (await page.getByTestId('live-indicator').getAttribute('data-status')) === 'connected', 'live-indicator connected', timeoutMs);
}

export function uniqueEmail(role: string): string {
  return `e2e-${role}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}@test.collabpay.dev`;
}

export async function signUp(page: Page, input: { role: 'company' | 'influencer'; name: string; email: string; password?: string }): Promise<void> {
  await page.goto('/sign-up');
  await page.getByRole('heading', { name: 'Create your account' }).waitFor();
  await page.getByLabel(input.role === 'company' ? 'Company (brand)' : 'Influencer').check();
  await page.getByLabel('Name').fill(input.name);
  await page.getByLabel('Email').fill(input.email);
  await page.getByLabel('Password').fill(input.password ?? PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await until(async () => (await page.getByTestId('current-user').getAttribute('data-role')) === input.role, `signed in as ${input.role}`);
}

export async function signIn(page: Page, email: string, password = PASSWORD): Promise<void> {
  await page.goto('/sign-in');
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('current-user').waitFor();
}

/** Types a card into the Payment Element (the emulator's stand-in renders labelled inputs in the page). */
export async function fillCard(page: Page, number: string, opts: { exp?: string; cvc?: string; postal?: string } = {}): Promise<void> {
  const card = page.getByLabel('Card number');
  await card.waitFor();
  await card.fill('');
  await card.pressSequentially(number.replace(/\s/g, ''));
  await page.getByLabel('Expiration date').fill('');
  await page.getByLabel('Expiration date').pressSequentially(opts.exp ?? '1234');
  await page.getByLabel('Security code').fill('');
  await page.getByLabel('Security code').pressSequentially(opts.cvc ?? '123');
  await page.getByLabel('Postal code').fill(opts.postal ?? '10001');
}

/** A full-page screenshot in frontend/e2e/screenshots/ (git-ignored), for people to look at. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = resolve(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true, animations: 'disabled' });
  return path;
}

/** The page is no wider than its viewport (nothing forces sideways scrolling on a phone). */
export async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

/** `$1,234.50` for an amount in cents, as the SPA's formatMoney shows USD in en-US. */
export function usd(cents: number): string {
  return new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(cents / 100);
}

/** Waits until a StatusBadge shows the raw status `code` (its `data-status`; the visible text is the human label). */
export async function expectStatus(locator: Locator, code: string | RegExp, timeoutMs = 15_000): Promise<string> {
  let seen: string | null = null;
  try {
    return await until(
      async () => {
        seen = await locator.first().getAttribute('data-status', { timeout: 1000 });
        return seen !== null && (typeof code === 'string' ? seen === code : code.test(seen)) ? seen : false;
      },
      `status ${String(code)}`,
      timeoutMs,
    );
  } catch {
    throw new Error(`Expected ${locator.toString()} to have status ${String(code)} within ${timeoutMs} ms; last seen: ${JSON.stringify(seen)}`);
  }
}

/** Confirms the open ConfirmDialog (every money action asks first). */
export async function confirmIn(page: Page): Promise<void> {
  const dialog = page.getByRole('dialog');
  await dialog.getByTestId('confirm-action').click();
  await until(async () => (await dialog.count()) === 0, 'the confirmation dialog to close', 20_000);
}

/** Picks the influencer in the proposal form's search-as-you-type combobox (types `query`, clicks the option named `option`). */
export async function pickInfluencer(page: Page, query: string, option: string | RegExp): Promise<void> {
  const box = page.getByRole('combobox', { name: 'Influencer' });
  await box.fill(query);
  await page.getByRole('option', { name: option }).first().click();
  await page.getByTestId('chosen-influencer').waitFor();
}
