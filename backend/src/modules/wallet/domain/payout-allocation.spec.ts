import { allocateFifo, availability, BALANCE_SOURCE, groupBySource } from './payout-allocation';

const credit = (id: string, open: number, payable: boolean, stripeChargeId: string | null = `ch_${id}`, availableOn: Date | null = null) => ({
  id,
  currency: 'usd',
  stripeChargeId,
  open,
  payable,
  availableOn,
});

describe('payout allocation (FIFO over payable credits, one transfer per charge)', () => {
  it('takes the oldest payable credits first and splits across charges', () => {
    const slices = allocateFifo([credit('1', 3000, true), credit('2', 2000, false), credit('3', 5000, true)], 6000);
    expect(slices).toEqual([
      { creditId: '1', source: 'ch_1', amount: 3000 },
      { creditId: '3', source: 'ch_3', amount: 3000 },
    ]);
  });

  it('refuses when payable credits do not cover the amount, even if the wallet does', () => {
    expect(allocateFifo([credit('1', 3000, true), credit('2', 9000, false)], 4000)).toBeNull();
    expect(allocateFifo([credit('1', 3000, true)], 3000)).toHaveLength(1);
  });

  it('never takes more than a credit holds, nor a non-positive or fractional amount', () => {
    const slices = allocateFifo([credit('1', 100, true), credit('2', 100, true)], 150)!;
    expect(slices.map((s) => s.amount)).toEqual([100, 50]);
    expect(() => allocateFifo([credit('1', 100, true)], 0)).toThrow();
    expect(() => allocateFifo([credit('1', 100, true)], 1.5)).toThrow();
  });

  it('groups slices into one transfer per charge; credits without a charge come from the balance', () => {
    const slices = allocateFifo([credit('1', 100, true, 'ch_a'), credit('2', 100, true, null), credit('3', 100, true, 'ch_a')], 300)!;
    expect(groupBySource(slices)).toEqual([
      { source: 'ch_a', amount: 200 },
      { source: BALANCE_SOURCE, amount: 100 },
    ]);
  });

  it('reports the payable part and the earliest date on which more becomes payable', () => {
    const later = new Date('2030-01-03T00:00:00Z');
    const sooner = new Date('2030-01-02T00:00:00Z');
    expect(availability([credit('1', 100, true), credit('2', 200, false, 'ch_2', later), credit('3', 50, false, 'ch_3', sooner)])).toEqual({
      total: 350,
      availableForPayout: 100,
      nextAvailableOn: sooner,
    });
    expect(availability([])).toEqual({ total: 0, availableForPayout: 0, nextAvailableOn: null });
  });
});
