import { csvField, csvRow, decodeTxCursor, encodeTxCursor, toTransaction } from './wallet-transaction';

describe('wallet transactions', () => {
  const base = { id: '7', currency: 'usd', description: 'x', referenceType: 'payment', referenceId: 'p1', createdAt: new Date('2026-01-02T03:04:05.000Z') };

  it('a credit posting (negative) raises the balance', () => {
    expect(toTransaction({ ...base, amount: -5000, balanceAfter: 15000 })).toMatchObject({
      type: 'credit',
      amount: 5000,
      balanceBefore: 10000,
      balanceAfter: 15000,
    });
  });
  it('a debit posting (positive) lowers it', () => {
    expect(toTransaction({ ...base, amount: 2500, balanceAfter: 7500 })).toMatchObject({
      type: 'debit',
      amount: 2500,
      balanceBefore: 10000,
      balanceAfter: 7500,
    });
  });
  it('cursors round-trip and refuse junk', () => {
    expect(decodeTxCursor(encodeTxCursor('123'))).toBe('123');
    expect(decodeTxCursor(undefined)).toBeUndefined();
    expect(() => decodeTxCursor('bm9wZQ')).toThrow(/cursor/);
    expect(() => decodeTxCursor(encodeTxCursor('9999999999999999999'))).toThrow(/cursor/);
  });
  it('quotes CSV fields per RFC 4180 and defuses formulas', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('line\nbreak')).toBe('"line\nbreak"');
    expect(csvField('=HYPERLINK("x")', true)).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField(-5)).toBe('-5');
  });
  it('writes a row with minor units and a formatted amount', () => {
    const row = csvRow(toTransaction({ ...base, amount: -135000, balanceAfter: 135000, description: 'Released from “Spring, campaign”' }));
    expect(row).toBe('7,2026-01-02T03:04:05.000Z,credit,usd,135000,"$1,350.00",0,135000,"$1,350.00","Released from “Spring, campaign”",payment,p1');
  });
});
