import { recoveryFee } from './recovery';

describe('recoveryFee', () => {
  it('returns the fee in proportion, and exactly all of it over successive recoveries (jpy and usd alike)', () => {
    const p = { amountReleased: 10001, feeRecognized: 1000, amountClawedBack: 0 };
    const parts = [3333, 3333, 3335];
    let total = 0;
    for (const part of parts) {
      const fee = recoveryFee(p, part);
      expect(Number.isInteger(fee)).toBe(true);
      total += fee;
      p.amountClawedBack += part;
    }
    expect(total).toBe(1000);
    expect(recoveryFee({ amountReleased: 10001, feeRecognized: 1000, amountClawedBack: 0 }, 3333)).toBe(333);
  });
  it('is zero for nothing released or nothing recovered', () => {
    expect(recoveryFee({ amountReleased: 0, feeRecognized: 0, amountClawedBack: 0 }, 100)).toBe(0);
    expect(recoveryFee({ amountReleased: 100, feeRecognized: 10, amountClawedBack: 0 }, 0)).toBe(0);
  });
});
