import { CURRENCY_CODES, getCurrency } from '@collabpay/currency';
import fc from 'fast-check';
import { assertValidAmount, CURRENCIES, feeShare, formatMoney, platformFee, SUPPORTED_CURRENCIES } from './currency';

describe('money', () => {
  it('computes the platform fee with half-up rounding in integers', () => {
    expect(platformFee(150000, 1000)).toBe(15000);
    expect(platformFee(55, 1000)).toBe(6); // 5.5 -> 6
    expect(platformFee(54, 1000)).toBe(5);
    expect(platformFee(Number.MAX_SAFE_INTEGER, 1)).toBe(900719925474); // no float drift
  });

  it('splits fees across partial releases so the parts add up to the whole', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 50, max: 10_000_000_00 }),
        fc.integer({ min: 0, max: 5000 }),
        fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 8 }),
        (amount, bps, weights) => {
          const fee = platformFee(amount, bps);
          const sumW = weights.reduce((a, b) => a + b, 0);
          let released = 0;
          let fees = 0;
          weights.forEach((w, i) => {
            const part = i === weights.length - 1 ? amount - released : Math.floor((amount * w) / sumW);
            const f = feeShare(amount, fee, released, part);
            expect(f).toBeGreaterThanOrEqual(0);
            expect(f).toBeLessThanOrEqual(part);
            fees += f;
            released += part;
          });
          expect(released).toBe(amount);
          expect(fees).toBe(fee);
        },
      ),
    );
  });

  it('rejects floats, non-positive, too small and too large amounts with stable codes', () => {
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as { code: string }).code;
      }
      return 'OK';
    };
    expect(code(() => assertValidAmount(10.5, 'usd'))).toBe('INVALID_AMOUNT');
    expect(code(() => assertValidAmount('100', 'usd'))).toBe('INVALID_AMOUNT');
    expect(code(() => assertValidAmount(0, 'usd'))).toBe('INVALID_AMOUNT');
    expect(code(() => assertValidAmount(49, 'usd'))).toBe('AMOUNT_BELOW_MINIMUM');
    expect(code(() => assertValidAmount(29, 'gbp'))).toBe('AMOUNT_BELOW_MINIMUM');
    expect(code(() => assertValidAmount(30, 'gbp'))).toBe('OK');
    expect(code(() => assertValidAmount(499, 'zar'))).toBe('AMOUNT_BELOW_MINIMUM');
    expect(code(() => assertValidAmount(2 ** 53, 'usd'))).toBe('INVALID_AMOUNT');
    expect(code(() => assertValidAmount(1001, 'usd', { max: 1000 }))).toBe('AMOUNT_ABOVE_MAXIMUM');
    expect(code(() => assertValidAmount(100, 'xxx'))).toBe('UNSUPPORTED_CURRENCY');
  });

  it('formats per currency exponent', () => {
    expect(formatMoney({ amount: 150000, currency: 'usd' })).toBe('$1,500.00');
    expect(formatMoney({ amount: 5000, currency: 'jpy' })).toBe('¥5,000');
  });
});

describe('currency table (@collabpay/currency)', () => {
  it('takes exponents and Stripe minimums from the shared table', () => {
    for (const code of SUPPORTED_CURRENCIES) {
      expect(CURRENCIES[code]).toEqual({ code, exponent: getCurrency(code)!.exponent, minCharge: getCurrency(code)!.minCharge });
    }
    expect(CURRENCIES.jpy.exponent).toBe(0);
    expect(CURRENCIES.gbp.minCharge).toBe(30);
    for (const zero of ['bif', 'clp', 'djf', 'gnf', 'jpy', 'kmf', 'krw', 'mga', 'pyg', 'rwf', 'ugx', 'vnd', 'vuv', 'xaf', 'xof', 'xpf'])
      expect(getCurrency(zero)!.exponent).toBe(0);
    for (const three of ['bhd', 'jod', 'kwd', 'omr', 'tnd']) expect(getCurrency(three)).toMatchObject({ exponent: 3, amountStep: 10 });
    expect(CURRENCY_CODES).toContain('usd');
    expect(getCurrency('xyz')).toBeUndefined();
  });
});
