import { earningsOverTime } from './earnings-over-time';

const NOW = Date.parse('2026-03-20T12:00:00Z');

describe('earningsOverTime', () => {
  it('is empty without earnings', () => {
    expect(earningsOverTime([], NOW)).toEqual([]);
  });

  it('spreads a single credit over a real time axis (not a single bar), zeros included', () => {
    const s = earningsOverTime([{ at: '2026-03-18T10:00:00Z', amount: 90000 }], NOW);
    expect(s).toHaveLength(14);
    expect(s[0].start).toBe('2026-03-07');
    expect(s.at(-1)!.start).toBe('2026-03-20');
    expect(s.filter((b) => b.amount > 0)).toEqual([{ start: '2026-03-18', amount: 90000, cumulative: 90000 }]);
    expect(s.at(-1)!.cumulative).toBe(90000);
  });

  it('sums a day and runs a cumulative total', () => {
    const s = earningsOverTime(
      [
        { at: '2026-03-19T01:00:00Z', amount: 100 },
        { at: '2026-03-19T23:00:00Z', amount: 50 },
        { at: '2026-03-20T01:00:00Z', amount: 25 },
      ],
      NOW,
    );
    expect(s.slice(-2)).toEqual([
      { start: '2026-03-19', amount: 150, cumulative: 150 },
      { start: '2026-03-20', amount: 25, cumulative: 175 },
    ]);
  });

  it('switches to weeks for long spans and keeps the last buckets', () => {
    const s = earningsOverTime(
      [
        { at: '2025-01-01T00:00:00Z', amount: 1000 },
        { at: '2026-03-20T00:00:00Z', amount: 1 },
      ],
      NOW,
    );
    expect(s).toHaveLength(26);
    expect(Date.parse(s[1].start) - Date.parse(s[0].start)).toBe(7 * 86_400_000);
    expect(s.at(-1)!.cumulative).toBe(1001);
  });

  it('ignores entries without a valid date', () => {
    expect(earningsOverTime([{ at: 'nope', amount: 5 }], NOW)).toEqual([]);
  });
});
