/**
 * Helpers for the billing browser tests (billing.e2e.ts). `fillCard` in browser.ts looks the card fields up in the
 * whole page; on /billing the billing-details form has its own "Postal code", so these are scoped.
 */
import type { Locator } from 'playwright-core';

/** Types a card into the Stripe.js stand-in's Payment Element inside `scope` (e.g. the "Save a card" form). */
export async function fillCardIn(scope: Locator, number: string, opts: { exp?: string; cvc?: string; postal?: string } = {}): Promise<void> {
  const type = async (label: string, value: string) => {
    const input = scope.getByLabel(label, { exact: true });
    await input.waitFor();
    await input.fill('');
    await input.pressSequentially(value);
  };
  await type('Card number', number.replace(/\s/g, ''));
  await type('Expiration date', opts.exp ?? '1234');
  await type('Security code', opts.cvc ?? '123');
  await scope.getByLabel('Postal code', { exact: true }).fill(opts.postal ?? '10001');
}
