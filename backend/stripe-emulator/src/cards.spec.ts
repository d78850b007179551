import { minorToMajor } from './cards';

describe('emulator money display', () => {
  it('formats minor units with integer arithmetic', () => {
    expect(minorToMajor(150000, 'usd')).toBe('1500.00');
    expect(minorToMajor(5, 'usd')).toBe('0.05');
    expect(minorToMajor(5000, 'jpy')).toBe('5000');
    expect(minorToMajor(-1999, 'eur')).toBe('-19.99');
    expect(minorToMajor(Number.MAX_SAFE_INTEGER, 'usd')).toBe('90071992547409.91');
  });
});
