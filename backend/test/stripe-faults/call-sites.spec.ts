import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CALL_SITES, scanCallSites, T } from './call-sites';

/** Which scanned call sites have no fault test, and which registry entries no longer name a call site. */
function audit(found: Map<string, number[]>): { missing: string[]; stale: string[] } {
  return {
    missing: [...found.keys()].filter((id) => !CALL_SITES[id]).map((id) => `${id} (line ${found.get(id)!.join(', ')})`),
    stale: Object.keys(CALL_SITES).filter((id) => !found.has(id)),
  };
}

describe('every Stripe call site in backend/src has a fault test', () => {
  it('the registry lists exactly the call sites the source has', () => {
    const found = scanCallSites();
    expect(found.size).toBeGreaterThan(40);
    // a call site without an entry: add a fault test for it to this directory and an entry to call-sites.ts
    expect(audit(found)).toEqual({ missing: [], stale: [] });
  });

  it('each entry names a test that exists, once, in this directory', () => {
    const specs = readdirSync(__dirname)
      .filter((f) => f.endsWith('.spec.ts') && f !== 'call-sites.spec.ts')
      .map((f) => readFileSync(join(__dirname, f), 'utf8'))
      .join('\n');
    const names = new Set(Object.values(CALL_SITES).map((e) => Object.entries(T).find(([, v]) => v === e.test)![0]));
    for (const name of names) expect({ name, uses: specs.split(`it(T.${name},`).length - 1 }).toEqual({ name, uses: 1 });
  });

  it('a new call site, even split over lines, is reported as missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stripe-sites-'));
    try {
      mkdirSync(join(dir, 'modules/payments'), { recursive: true });
      writeFileSync(
        join(dir, 'modules/payments/payments.service.ts'),
        'await this.stripe.paymentIntents.create({});\nconst x = await this.stripe\n  .paymentIntents\n  .capture(id);\nstripe.transfers.create({});\n',
      );
      const found = scanCallSites(dir);
      expect([...found.keys()].sort()).toEqual([
        'modules/payments/payments.service.ts:paymentIntents.capture',
        'modules/payments/payments.service.ts:paymentIntents.create',
        'modules/payments/payments.service.ts:transfers.create',
      ]);
      expect(audit(found).missing).toEqual([
        'modules/payments/payments.service.ts:paymentIntents.capture (line 2)',
        'modules/payments/payments.service.ts:transfers.create (line 5)',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
