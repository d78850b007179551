/**
 * Browser end-to-end tests (frontend/e2e/**\/*.e2e.ts): the built SPA served by a real Nest server, driven by
 * Debian Chromium through playwright-core. Same transform and global set-up as jest.config.js (they start real
 * servers from backend code), long timeouts, one file at a time (`--runInBand`): each file owns one browser.
 * Needs `npm run build -w frontend` first (scripts/test.mjs does it).
 */
const base = require('./jest.config.js');

module.exports = {
  rootDir: '.',
  roots: ['<rootDir>/../frontend/e2e'],
  testMatch: ['<rootDir>/../frontend/e2e/**/*.e2e.ts'],
  testEnvironment: 'node',
  transform: base.transform,
  transformIgnorePatterns: base.transformIgnorePatterns,
  moduleFileExtensions: base.moduleFileExtensions,
  moduleNameMapper: base.moduleNameMapper,
  globalSetup: base.globalSetup,
  globalTeardown: base.globalTeardown,
  testTimeout: 180000,
  maxWorkers: 1,
};
