'use strict';
/**
 * @collabpay/currency: one currency table for the server, the Stripe emulator and the SPA.
 * Plain CommonJS + JSON so Node, Jest, tsc (index.d.ts) and Vite load it without a build step.
 */
const table = require('./currencies.json');

const byCode = Object.freeze(Object.fromEntries(table.map((c) => [c.code, Object.freeze({ ...c })])));
const CURRENCY_CODES = Object.freeze(table.map((c) => c.code));

/** The entry for a currency code (case-insensitive), or undefined when Stripe does not support it. */
function getCurrency(code) {
  return typeof code === 'string' ? byCode[code.toLowerCase()] : undefined;
}
function isSupportedCurrency(code) {
  return getCurrency(code) !== undefined;
}
/** Stripe's minimum charge in minor units, or null when Stripe states it only as "the equivalent of 0.50 USD". */
function minimumCharge(code) {
  const c = getCurrency(code);
  return c ? c.minCharge : null;
}

module.exports = { CURRENCY_TABLE: byCode, CURRENCY_CODES, getCurrency, isSupportedCurrency, minimumCharge };
