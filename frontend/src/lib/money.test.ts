import {
  CURRENCIES,
  EN_US_CURRENCY_PREFIX,
  MoneyParseError,
  currencyExponent,
  formatMoney,
  minorToMajorString,
  parseMajorToMinor,
  tryParseMajorToMinor,
} from './money';

describe('currency table', () => {
  it('knows the exponents', () => {
    expect(currencyExponent('usd')).toBe(2);
    expect(currencyExponent('EUR')).toBe(2);
    expect(currencyExponent('jpy')).toBe(0);
    expect(currencyExponent('kwd')).toBe(3);
    expect(currencyExponent('xyz')).toBe(2);
  });
});

describe('formatMoney', () => {
  it('formats usd with 2 decimals', () => {
    expect(formatMoney({ amount: 150000, currency: 'usd' })).toBe('$1,500.00');
    expect(formatMoney({ amount: 1, currency: 'usd' })).toBe('$0.01');
    expect(formatMoney({ amount: 0, currency: 'usd' })).toBe('$0.00');
    expect(formatMoney({ amount: -1234, currency: 'usd' })).toBe('-$12.34');
  });

  it('formats jpy without decimals', () => {
    expect(formatMoney({ amount: 5000, currency: 'jpy' })).toBe('¥5,000');
    expect(formatMoney({ amount: 1, currency: 'jpy' })).toBe('¥1');
  });

  it('formats eur and gbp', () => {
    expect(formatMoney({ amount: 1050, currency: 'eur' })).toBe('€10.50');
    expect(formatMoney({ amount: 99, currency: 'gbp' })).toBe('£0.99');
    expect(formatMoney({ amount: 1050, currency: 'eur' }, 'de-DE')).toBe('10,50\u00a0€');
  });

  it('formats three-decimal currencies', () => {
    expect(formatMoney({ amount: 1234, currency: 'kwd' })).toMatch(/1\.234/);
  });

  it('keeps large amounts exact', () => {
    expect(formatMoney({ amount: 9007199254740991, currency: 'usd' })).toBe('$90,071,992,547,409.91');
  });

  it('accepts uppercase currency codes', () => {
    expect(formatMoney({ amount: 250, currency: 'USD' })).toBe('$2.50');
  });

  it('writes en-US amounts exactly as Intl.NumberFormat does, for every currency of the table, without calling it', () => {
    expect(Object.keys(EN_US_CURRENCY_PREFIX).sort()).toEqual(Object.keys(CURRENCIES).sort());
    const amounts = [0, 1, 9, 10, 99, 100, 999, 1000, 1001, 12345, 99999, 100000, 123456, 1000000, 123456789, 9007199254740991];
    const RealNumberFormat = Intl.NumberFormat;
    const spy = jest.spyOn(Intl, 'NumberFormat');
    try {
      for (const currency of Object.keys(CURRENCIES)) {
        const exponent = currencyExponent(currency);
        const intl = new RealNumberFormat('en-US', {
          style: 'currency',
          currency: currency.toUpperCase(),
          minimumFractionDigits: exponent,
          maximumFractionDigits: exponent,
        });
        for (const amount of [...amounts, ...amounts.filter((a) => a !== 0).map((a) => -a)]) {
          const expected = intl.format(minorToMajorString(amount, currency) as unknown as number);
          expect(`${currency} ${amount} ${formatMoney({ amount, currency })}`).toBe(`${currency} ${amount} ${expected}`);
        }
      }
      expect(spy).not.toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });

  it('still formats other locales and unknown currencies with Intl', () => {
    expect(formatMoney({ amount: 123456, currency: 'usd' }, 'en-GB')).toBe('US$1,234.56');
    expect(formatMoney({ amount: 123456, currency: 'xyz' })).toBe(
      new Intl.NumberFormat('en-US', { style: 'currency', currency: 'XYZ', minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(1234.56),
    );
  });
});

describe('minorToMajorString', () => {
  it('pads small amounts', () => {
    expect(minorToMajorString(5, 'usd')).toBe('0.05');
    expect(minorToMajorString(1234, 'usd')).toBe('12.34');
    expect(minorToMajorString(5000, 'jpy')).toBe('5000');
    expect(minorToMajorString(-5, 'eur')).toBe('-0.05');
  });
});

describe('parseMajorToMinor', () => {
  it('converts usd exactly', () => {
    expect(parseMajorToMinor('12.34', 'usd')).toBe(1234);
    expect(parseMajorToMinor('0.29', 'usd')).toBe(29); // 0.29 * 100 = 28.999999999999996 in floats
    expect(parseMajorToMinor('1.005', 'kwd')).toBe(1005);
    expect(parseMajorToMinor('19.99', 'usd')).toBe(1999);
    expect(parseMajorToMinor('12', 'usd')).toBe(1200);
    expect(parseMajorToMinor('12.3', 'usd')).toBe(1230);
    expect(parseMajorToMinor('12.', 'usd')).toBe(1200);
    expect(parseMajorToMinor('.5', 'usd')).toBe(50);
    expect(parseMajorToMinor(' 007.10 ', 'usd')).toBe(710);
    expect(parseMajorToMinor('1,234.56', 'usd')).toBe(123456);
    expect(parseMajorToMinor('0', 'usd')).toBe(0);
  });

  it('converts jpy without decimals', () => {
    expect(parseMajorToMinor('5000', 'jpy')).toBe(5000);
    expect(parseMajorToMinor('5,000', 'jpy')).toBe(5000);
    expect(() => parseMajorToMinor('12.5', 'jpy')).toThrow('JPY amounts cannot have decimals');
  });

  it('converts eur edge cases', () => {
    expect(parseMajorToMinor('0.01', 'eur')).toBe(1);
    expect(parseMajorToMinor('1000000.00', 'eur')).toBe(100000000);
    expect(() => parseMajorToMinor('0.001', 'eur')).toThrow('EUR amounts can have at most 2 decimal places');
  });

  it('rejects too many decimals for usd', () => {
    expect(() => parseMajorToMinor('12.345', 'usd')).toThrow(MoneyParseError);
    expect(() => parseMajorToMinor('12.345', 'usd')).toThrow('at most 2 decimal places');
  });

  it('rejects malformed input', () => {
    for (const bad of ['', '  ', 'abc', '1.2.3', '12a', '1,23', '--1', '1e3', '.', 'Infinity', 'NaN', '0x10']) {
      expect(() => parseMajorToMinor(bad, 'usd')).toThrow(MoneyParseError);
    }
    expect(() => parseMajorToMinor('-5', 'usd')).toThrow('Amount must be positive');
  });

  it('rejects amounts beyond safe integers', () => {
    expect(() => parseMajorToMinor('99999999999999999', 'usd')).toThrow('Amount is too large');
  });

  it('has a non-throwing variant', () => {
    expect(tryParseMajorToMinor('1.50', 'gbp')).toEqual({ ok: true, value: 150 });
    expect(tryParseMajorToMinor('x', 'gbp')).toEqual({ ok: false, error: 'Enter a valid amount, e.g. 12.34' });
  });
});
